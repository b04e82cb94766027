-- Lock ends in milliseconds, so that a lock of 1 s lasts 1 s and not "until the next whole
-- second". Append-only: 0001 to 0005 stay as released. The column keeps its name; its unit
-- is now the millisecond.
UPDATE lockouts SET locked_until = locked_until * 1000;
