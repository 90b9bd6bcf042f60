import { describe, expect, it } from 'vitest'
import { splitSqlStatements } from './sql-split.js'

describe('splitSqlStatements', () => {
  it('splits on top-level semicolons only', () => {
    const sql = `CREATE TABLE a (x text DEFAULT 'a;b'); -- comment; here
      /* block; comment */ SELECT "we;ird";
      DO $$ BEGIN PERFORM 1; END $$;
      CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
      SELECT 'it''s; fine'`
    const parts = splitSqlStatements(sql)
    expect(parts).toHaveLength(5)
    expect(parts[0]).toBe("CREATE TABLE a (x text DEFAULT 'a;b')")
    expect(parts[2]).toBe('DO $$ BEGIN PERFORM 1; END $$')
    expect(parts[4]).toBe("SELECT 'it''s; fine'")
  })

  it('drops empty and comment-only statements', () => {
    expect(splitSqlStatements(';;\n-- only a comment\n;SELECT 1;')).toEqual(['SELECT 1'])
  })
})
