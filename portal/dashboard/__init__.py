"""What unit heads see about their units."""
