"""The load-and-fault run (`manage.py loadtest_faults`): processes, a small browser, simulated people, checks."""
