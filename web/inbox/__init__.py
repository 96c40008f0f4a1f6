"""Test sends: an SMTP inbox that receives a real message for a test address and analyses it
with what the wire told us (connecting IP, HELO, MAIL FROM, TLS), plus `spamscore send-test`.

The inbox (`spamscore inbox`, web.inbox.server) runs as its own process beside the web service
and shares its store (web.store): the web form and the API issue test addresses, the inbox
stores and analyses what arrives for them, and the report page and API show the result.
"""
