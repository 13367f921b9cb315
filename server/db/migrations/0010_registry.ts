/**
 * The registry's money entry after an account's opening (SPEC 3.2 `creditAccount`): one row per
 * operator `creditId`, with the body it came with and the answer it got. The same creditId with
 * the same body answers that row again and moves nothing; another body is IDEMPOTENCY_CONFLICT.
 * The row is written in the transaction that writes the ledger entry, so there is no row for a
 * credit that moved nothing (a refused correction can be sent again with the same creditId).
 */
export default `
CREATE TABLE account_credits (
  credit_id          text PRIMARY KEY CHECK (length(credit_id) BETWEEN 1 AND 64),
  person_id          uuid NOT NULL REFERENCES persons (person_id),
  kind               text NOT NULL CHECK (kind IN ('contribution', 'correction')),
  amount_fen         bigint NOT NULL CHECK (amount_fen > 0),
  -- The ledger entry's id (claimed before the entry is written, in the same transaction).
  entry_id           uuid NOT NULL UNIQUE,
  balance_after_fen  bigint NOT NULL CHECK (balance_after_fen >= 0),
  created_at         timestamptz NOT NULL
);
CREATE INDEX account_credits_person ON account_credits (person_id, created_at)
`;
