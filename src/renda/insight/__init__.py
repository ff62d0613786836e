"""研判: category and agency hints, models trained on staff decisions, the evaluate command."""
