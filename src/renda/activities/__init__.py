"""Duty activities (履职活动), attendance by QR check-in, annual plans and quantitative standards."""
