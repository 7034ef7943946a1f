"""GOV.UK Notify's public v2 dialect."""
