"""Forms validate input and say what is wrong in plain Swedish; views and workflows act on it.

One module per topic, named as the workflow module it feeds: `collaborations`, `parties`, `organisations`,
`steps`, `phases`, `agreement`, `batch_export`, `principle_check`; fields several of them share are in
`fields`. The boxes of text written together are `collaboration.cowriting.forms`.
"""
