"""Jellyfin: the media server, where a request becomes "ready to watch".

``payloads`` reads the webhook plugin's notifications (templated or "Send All
Properties") and the REST records we use; ``translate`` turns ItemAdded into
``MadeAvailable`` with a "Watch now" link and PlaybackStart into ``Watched``;
``client`` looks items up (an episode's series provider ids, file paths, the
items added last) and reads the server id; ``poller`` reads Jellyfin's newest
items while a request waits for them, because an episode's notification does
not name its series. ``docs/jellyfin-template.handlebars`` is the template
users paste into the plugin.
"""
