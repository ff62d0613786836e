"""述职评议: report-back meetings, published reports and constituents' appraisal."""
