"""Running Rollcall past one process: the local production stack (`make run-prod`) and the
nginx, gunicorn and systemd files that docs/deploy.md installs on a server."""
