"""The site: the layer above the apps that assembles them into one product.

It mounts every app's API router and URLs, shows the home overview (a glance at every app), and loads the
demo in dependency order. Apps never import it; ``ketnoi.core`` (the foundation) imports no app.
"""
