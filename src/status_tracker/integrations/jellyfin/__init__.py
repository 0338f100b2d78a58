"""Jellyfin: the media server, where a request becomes "ready to watch".

``payloads`` reads the webhook plugin's notifications (templated or "Send All
Properties") and the REST records we use; ``translate`` turns ItemAdded into
``MadeAvailable`` with a "Watch now" link and PlaybackStart into ``Watched``;
``client`` looks items up (an episode's series provider ids, file paths) and
reads the server id. ``docs/jellyfin-template.handlebars`` is the template
users paste into the plugin.
"""
