using MedCoord.Engine.Storage;

namespace MedCoord.Engine.Audit;

/// <summary>The result of checking an audit log (and, for an engine store, its records against it).</summary>
/// <param name="Intact">True when every entry is present, in order, unedited, and every record is the version its last entry wrote.</param>
/// <param name="Entries">Entries checked.</param>
/// <param name="FirstBadSequence">The sequence of the first entry that fails, when not intact (null when the problem is a record no entry wrote).</param>
/// <param name="Problem">What is wrong, naming the entry or the record (kind and id), when not intact.</param>
public sealed record AuditVerification(bool Intact, long Entries, long? FirstBadSequence, string? Problem)
{
    /// <summary>Gets how many keyed entries could only be checked for structure (links, order, content) because no audit key was given.</summary>
    public long UncheckedEntries { get; init; }

    /// <summary>Gets how many records were checked against the entries that wrote them.</summary>
    public long Records { get; init; }

    /// <summary>Gets how many of those were last written before entries committed to content (schema version 3 and earlier): present, but not proven.</summary>
    public long UnprovenRecords { get; init; }

    /// <summary>Gets the chain's head as <c>SEQ:HASH</c> (the last entry's sequence and hash; <c>0:</c> and 64 zeros when empty): what an external witness keeps.</summary>
    public string Head { get; init; } = $"0:{AuditEntry.GenesisHash}";
}

/// <summary>Checks a chain of audit entries. Thread safe.</summary>
public static class AuditChain
{
    /// <summary>
    /// Checks entries in sequence order: sequences run from 1 without gaps, each entry's previous hash is the hash of
    /// the one before, each hash matches its fields, and the last entry is the one the log recorded as last. Entries of
    /// format 1 must all come before those of format 2; once an entry is keyed every later one must be; with the audit
    /// key every keyed entry's HMAC is checked, and a chain that has entries of format 2 must end with a keyed one.
    /// </summary>
    /// <param name="entries">Every entry, in sequence order.</param>
    /// <param name="last">The sequence and hash the log recorded as its last write, if it keeps one (catches a deleted tail).</param>
    /// <param name="key">The audit key, or null to check keyed entries for structure only (counted in <see cref="AuditVerification.UncheckedEntries"/>).</param>
    /// <returns>Intact, or the first bad entry and what is wrong with it.</returns>
    /// <exception cref="EngineKeyException">The chain is keyed with another audit key than <paramref name="key"/>.</exception>
    public static AuditVerification Verify(IEnumerable<AuditEntry> entries, (long Sequence, string Hash)? last = null, EngineKey? key = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return Verify([.. entries], last, key, null);
    }

    /// <summary>Whether entry <paramref name="sequence"/> of a chain is still there with the hash a witness kept (a checkpoint, <c>SEQ:HASH</c>).</summary>
    /// <param name="entries">Every entry, in sequence order (an intact chain).</param>
    /// <param name="sequence">The checkpoint's sequence.</param>
    /// <param name="hash">The checkpoint's hash.</param>
    /// <returns>Null when it is; otherwise what is wrong (the log was truncated before it, or rewritten).</returns>
    public static string? CheckHead(IReadOnlyList<AuditEntry> entries, long sequence, string hash)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(hash);
        if (sequence > entries.Count)
        {
            return $"the log ends at entry {entries.Count}, before the checkpoint at entry {sequence}: entries were deleted (truncated)";
        }

        if (sequence == 0 ? hash != AuditEntry.GenesisHash : !string.Equals(entries[(int)sequence - 1].Hash, hash, StringComparison.Ordinal))
        {
            return $"entry {sequence} is not the one checkpointed (its hash differs): the log was rewritten";
        }

        return null;
    }

    /// <summary>Checks the chain, then each record against the last entry that wrote it.</summary>
    internal static AuditVerification Verify(IReadOnlyList<AuditEntry> entries, (long Sequence, string Hash)? last, EngineKey? key, IReadOnlyList<RecordRow>? records)
    {
        CheckKey(entries, key);
        var chain = VerifyChain(entries, last, key);
        return chain.Intact && records is not null ? VerifyRecords(entries, records, chain) : chain;
    }

    /// <summary>Throws when the given key is not the chain's: no keyed entry names it, and the first keyed entry does not verify under it.</summary>
    private static void CheckKey(IReadOnlyList<AuditEntry> entries, EngineKey? key)
    {
        if (key is null || entries.FirstOrDefault(e => e.Format == 2 && e.KeyId is not null) is not { } first || entries.Any(e => e.KeyId == key.Id))
        {
            return;
        }

        // An edited key id column is tampering, not a wrong key: the entry's MAC then verifies under the given key's id.
        if ((first with { KeyId = key.Id }).ExpectedHash(key) != first.Hash)
        {
            throw new EngineKeyException($"The audit chain is keyed with audit key {first.KeyId}; the audit key given is {key.Id}.", first.KeyId!);
        }
    }

    private static AuditVerification VerifyChain(IReadOnlyList<AuditEntry> entries, (long Sequence, string Hash)? last, EngineKey? key)
    {
        var expected = 1L;
        var previous = AuditEntry.GenesisHash;
        long? firstCurrent = null, lastKeyed = null;
        var unchecked_ = 0L;
        AuditVerification Bad(long sequence, string problem) => new(false, expected - 1, sequence, problem);
        foreach (var e in entries)
        {
            if (e.Sequence != expected)
            {
                return Bad(expected, e.Sequence > expected
                    ? $"entry {expected} is missing (the next entry is {e.Sequence}): deleted"
                    : $"entry {e.Sequence} appears where entry {expected} belongs: reordered or duplicated");
            }

            if (e.PreviousHash != previous)
            {
                return Bad(e.Sequence, $"entry {e.Sequence} does not follow entry {e.Sequence - 1}: the chain is broken (an entry was replaced or reordered)");
            }

            if (e.Format is not (1 or 2))
            {
                return Bad(e.Sequence, $"entry {e.Sequence} has an unknown format ({e.Format}): edited");
            }

            if (e.Format == 1 && firstCurrent is not null)
            {
                return Bad(e.Sequence, $"entry {e.Sequence} is in the old format, after entry {firstCurrent} in the current one: rewritten");
            }

            if (e.Format == 2)
            {
                firstCurrent ??= e.Sequence;
                if (e.KeyId is null && lastKeyed is not null)
                {
                    return Bad(e.Sequence, $"entry {e.Sequence} is not keyed, after keyed entry {lastKeyed}: written or rewritten without the audit key");
                }

                if (e.KeyId is not null)
                {
                    lastKeyed = e.Sequence;
                    if (key is null)
                    {
                        unchecked_++;
                        previous = e.Hash;
                        expected++;
                        continue;
                    }

                    if (e.KeyId != key.Id)
                    {
                        return Bad(e.Sequence, $"entry {e.Sequence} names audit key {e.KeyId}, not the chain's key {key.Id}: edited");
                    }
                }
            }

            if (e.ExpectedHash(key) != e.Hash)
            {
                return Bad(e.Sequence, $"entry {e.Sequence} does not match its hash: edited");
            }

            previous = e.Hash;
            expected++;
        }

        if (last is { } tip && (tip.Sequence != expected - 1 || tip.Hash != previous))
        {
            return new(false, expected - 1, Math.Min(tip.Sequence, expected), $"the log ends at entry {expected - 1} but entry {tip.Sequence} was written last: entries at the end were deleted or replaced");
        }

        if (key is not null && entries.Count > 0 && entries[^1] is { Format: 2, KeyId: null } end)
        {
            return Bad(end.Sequence, $"entry {end.Sequence}, the last, is not keyed although the audit key was given: the chain was written or rewritten without the key");
        }

        return new(true, expected - 1, null, null) { UncheckedEntries = unchecked_, Head = $"{expected - 1}:{previous}" };
    }

    /// <summary>
    /// Each record row must be the version the last entry that wrote it committed to; each record an entry wrote must
    /// still be there; a record no entry of format 2 wrote must be one that entries of format 1 name and stored in clear.
    /// </summary>
    private static AuditVerification VerifyRecords(IReadOnlyList<AuditEntry> entries, IReadOnlyList<RecordRow> records, AuditVerification chain)
    {
        var written = new Dictionary<(string Kind, string Id), AuditEntry>();
        var legacy = new HashSet<(string Kind, string Id)>();
        foreach (var e in entries.Where(e => e.EntityType != AuditEntry.ReadEntityType))
        {
            if (e.Format == 1)
            {
                legacy.Add((e.EntityType, e.EntityId));
            }
            else if (e.Content is not null)
            {
                written[(e.EntityType, e.EntityId)] = e;
            }
        }

        var problems = new List<(long Order, long? Sequence, string Problem)>();
        var unproven = 0L;
        var present = new HashSet<(string Kind, string Id)>();
        foreach (var row in records)
        {
            present.Add((row.Kind, row.Id));
            if (written.TryGetValue((row.Kind, row.Id), out var entry))
            {
                if (!string.Equals(entry.Content, row.Commitment, StringComparison.Ordinal))
                {
                    problems.Add((entry.Sequence, entry.Sequence, $"the {row.Kind} '{row.Id}' is not what entry {entry.Sequence} wrote ({VersionOf(entry)}): edited outside the engine"));
                }
            }
            else if (legacy.Contains((row.Kind, row.Id)) && row.KeyId is null)
            {
                unproven++;
            }
            else
            {
                problems.Add((long.MaxValue, null, $"the {row.Kind} '{row.Id}' was written by no audit entry: added outside the engine"));
            }
        }

        foreach (var ((kind, id), entry) in written.Where(w => !present.Contains(w.Key)))
        {
            problems.Add((entry.Sequence, entry.Sequence, $"the {kind} '{id}' that entry {entry.Sequence} wrote ({VersionOf(entry)}) is missing: deleted outside the engine"));
        }

        if (problems.OrderBy(p => p.Order).ThenBy(p => p.Problem, StringComparer.Ordinal).FirstOrDefault() is { Problem: not null } first)
        {
            return chain with { Intact = false, FirstBadSequence = first.Sequence, Problem = first.Problem, Records = records.Count, UnprovenRecords = unproven };
        }

        return chain with { Records = records.Count, UnprovenRecords = unproven };
    }

    private static string VersionOf(AuditEntry entry) =>
        entry.Content is { } c && c.IndexOf(':', StringComparison.Ordinal) is > 1 and var colon
            ? $"version {c[1..colon]}"
            : "an unreadable version";
}
