/**
 * Rate-limit windows know when they end, so that ended ones can be deleted a few at a time on
 * every write (server/store/rateLimits.ts) instead of piling up between two hourly prunes.
 */
export default `
ALTER TABLE rate_limit_hits ADD COLUMN expires_at timestamptz;
UPDATE rate_limit_hits SET expires_at = window_start + interval '1 day';
ALTER TABLE rate_limit_hits ALTER COLUMN expires_at SET NOT NULL;
CREATE INDEX rate_limit_hits_expires ON rate_limit_hits (expires_at);
`;
