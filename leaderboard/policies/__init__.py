"""Policy evaluation on the web side: its table and charts (policies, policy_figures) and the policy form's checks (policy_submit)."""
