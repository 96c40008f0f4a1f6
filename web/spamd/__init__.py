"""`spamscore spamd`: SpamAssassin's spamd protocol in front of our engine, so spamc, Exim's
`spam =` condition, spamass-milter and other spamd clients get our verdict unchanged."""
