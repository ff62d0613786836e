"""Reception days (选民接待日): schedules, duty rosters, bookings and visitor records."""
