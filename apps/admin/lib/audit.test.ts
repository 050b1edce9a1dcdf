import { describe, expect, it } from 'vitest';
import { dayBound, fieldLabel, formatValue } from './audit';

describe('audit log formatting', () => {
  it('names fields as a shop owner says them', () => {
    expect(fieldLabel('priceCents')).toBe('Price');
    expect(fieldLabel('trackingNumber')).toBe('Tracking number');
    expect(fieldLabel('minSubtotalCents')).toBe('Min subtotal');
  });

  it('shows amounts, flags, statuses and empty values readably', () => {
    expect(formatValue('priceCents', 4250, 'USD')).toBe('$42.50');
    expect(formatValue('isActive', false, 'USD')).toBe('No');
    expect(formatValue('status', 'shipped', 'USD')).toBe('Shipped');
    expect(formatValue('description', null, 'USD')).toBe('—');
    expect(formatValue('options', [], 'USD')).toBe('—');
    expect(formatValue('countries', ['US', 'CA'], 'USD')).toBe('US, CA');
  });

  it('turns a date input into the bounds of that local day, and ignores a bad one', () => {
    expect(new Date(dayBound('2026-03-01', false)!).getDate()).toBe(1);
    expect(new Date(dayBound('2026-03-01', true)!).getHours()).toBe(23);
    expect(dayBound('tomorrow', false)).toBeUndefined();
  });
});
