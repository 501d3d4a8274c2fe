"""The six principles as shipped content (JSON), and their loader."""
