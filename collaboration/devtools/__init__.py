"""Tooling, not product: demo data, seeding at scale, benchmarks, the load test and its gunicorn launcher.

An app of its own (label `devtools`), installed by the development and test settings (DJANGO_DEBUG=true, or
PORTAL_DEVTOOLS=true for a benchmark against production settings) and never in production. Its commands:
`load_demo_data` (the run command's demo), `seed_scale`, `benchmark_pdf`, `benchmark_pages`, `benchmark_load`,
`loadtest_faults`. It may import everything; nothing outside it (and the tests) imports it.
"""
