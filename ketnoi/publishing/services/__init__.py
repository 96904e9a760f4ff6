"""Every write of the publishing app, split by concern: stories, publications, delivery (the worker), kits."""
