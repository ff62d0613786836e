"""Reply quality flags, keyword and category trends, the monthly analysis."""
