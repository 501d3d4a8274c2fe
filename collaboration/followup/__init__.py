"""Follow-up of a collaboration after its agreement: what the public side gives, and what it asks back.

- `support`: the support on record, period by period (money, core or project, and support other than
  money), written by the public parties' people and read by every party.
"""
