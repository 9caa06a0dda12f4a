namespace MedCoord.Engine.Audit;

/// <summary>The result of checking an audit log.</summary>
/// <param name="Intact">True when every entry is present, in order, unedited.</param>
/// <param name="Entries">Entries checked.</param>
/// <param name="FirstBadSequence">The sequence of the first entry that fails, when not intact.</param>
/// <param name="Problem">What is wrong with it, when not intact.</param>
public sealed record AuditVerification(bool Intact, long Entries, long? FirstBadSequence, string? Problem);

/// <summary>Checks a chain of audit entries. Thread safe.</summary>
public static class AuditChain
{
    /// <summary>
    /// Checks entries in sequence order: sequences run from 1 without gaps, each entry's previous hash is the hash of
    /// the one before, each hash matches its fields, and the last entry is the one the log recorded as last.
    /// </summary>
    /// <param name="entries">Every entry, in sequence order.</param>
    /// <param name="last">The sequence and hash the log recorded as its last write, if it keeps one (catches a deleted tail).</param>
    /// <returns>Intact, or the first bad entry and what is wrong with it.</returns>
    public static AuditVerification Verify(IEnumerable<AuditEntry> entries, (long Sequence, string Hash)? last = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var expected = 1L;
        var previous = AuditEntry.GenesisHash;
        foreach (var e in entries)
        {
            if (e.Sequence != expected)
            {
                return new(false, expected - 1, expected, e.Sequence > expected
                    ? $"entry {expected} is missing (the next entry is {e.Sequence}): deleted"
                    : $"entry {e.Sequence} appears where entry {expected} belongs: reordered or duplicated");
            }

            if (e.PreviousHash != previous)
            {
                return new(false, expected - 1, e.Sequence, $"entry {e.Sequence} does not follow entry {e.Sequence - 1}: the chain is broken (an entry was replaced or reordered)");
            }

            if (AuditEntry.ComputeHash(e.Sequence, e.At, e.Actor, e.EntityType, e.EntityId, e.Action, e.PreviousHash) != e.Hash)
            {
                return new(false, expected - 1, e.Sequence, $"entry {e.Sequence} does not match its hash: edited");
            }

            previous = e.Hash;
            expected++;
        }

        if (last is { } tip && (tip.Sequence != expected - 1 || (tip.Sequence > 0 && tip.Hash != previous)))
        {
            return new(false, expected - 1, Math.Min(tip.Sequence, expected), $"the log ends at entry {expected - 1} but entry {tip.Sequence} was written last: entries at the end were deleted or replaced");
        }

        return new(true, expected - 1, null, null);
    }
}
