"""The manager's desk: the supervisor's, plus users, the notification inbox and receiving."""
