"""Operations: health checks for the load balancer (GET /healthz, GET /readyz)."""
