"""履职圈: deputies' duty posts, moderation and the public feed."""
