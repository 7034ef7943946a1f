"""Templates: placeholders, rendering per channel, SMS encoding and email typography."""
