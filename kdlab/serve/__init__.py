"""Running runs for the app: the job queue, the worker processes that train (the app server never does), and the
server's settings for a classroom."""
