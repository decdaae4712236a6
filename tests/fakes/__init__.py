"""Hardware test doubles: a fake librtlsdr (C, compiled by the tests) and a fake rtl_tcp server."""
