using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MedCoord.Engine.Storage;
using NodaTime;
using NodaTime.Text;

namespace MedCoord.Engine.Audit;

/// <summary>
/// One recorded state change or read. Holds opaque ids, action codes and hashes only: no names, no free text.
/// Entries written since schema version 4 (<see cref="Format"/> 2) also commit to <see cref="Content"/> (for a change,
/// the version and SHA-256 of the record row it wrote; for a read, the ids read) and, when the engine has an audit key,
/// their <see cref="Hash"/> is an HMAC-SHA256 under that key (<see cref="KeyId"/>), so nobody without the key can
/// recompute the chain. Entries of format 1 (written before) keep their plain SHA-256 and verify as they are.
/// </summary>
/// <param name="Sequence">Position in the log, from 1 without gaps.</param>
/// <param name="At">When the change was recorded (from the injected clock).</param>
/// <param name="Actor">Who made it: an opaque user or system id.</param>
/// <param name="EntityType">What kind of thing changed, for example "referral"; <c>read</c> for a recorded read.</param>
/// <param name="EntityId">Its opaque id; for a read, the patient read (or <c>*</c> for several).</param>
/// <param name="Action">What happened, as a code, for example "Sent".</param>
/// <param name="PreviousHash">The hash of the entry before (64 zeros for the first).</param>
/// <param name="Hash">Lower-case hex SHA-256 (format 1, or format 2 unkeyed) or HMAC-SHA256 (format 2 keyed) of this entry's fields and <paramref name="PreviousHash"/>.</param>
public sealed record AuditEntry(long Sequence, Instant At, string Actor, string EntityType, string EntityId, string Action, string PreviousHash, string Hash)
{
    /// <summary>The previous hash of the first entry.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The entity type of a recorded read.</summary>
    public const string ReadEntityType = "read";

    /// <summary>Gets the entry's format: 1 (metadata only, written before schema version 4) or 2 (commits to content, keyed when written with an audit key).</summary>
    /// <value>The default is 1.</value>
    public int Format { get; init; } = 1;

    /// <summary>Gets what the entry commits to (format 2): <c>v{version}:{sha256}</c> of the record row a change wrote, the ids a read returned, or null.</summary>
    public string? Content { get; init; }

    /// <summary>Gets the id of the audit key whose HMAC <see cref="Hash"/> is; null when the hash is a plain SHA-256.</summary>
    public string? KeyId { get; init; }

    /// <summary>The hash an entry of format 1 with these fields must carry.</summary>
    /// <param name="sequence">Its sequence.</param>
    /// <param name="at">Its time.</param>
    /// <param name="actor">Its actor.</param>
    /// <param name="entityType">Its entity type.</param>
    /// <param name="entityId">Its entity id.</param>
    /// <param name="action">Its action.</param>
    /// <param name="previousHash">The previous entry's hash.</param>
    /// <returns>Lower-case hex SHA-256.</returns>
    public static string ComputeHash(long sequence, Instant at, string actor, string entityType, string entityId, string action, string previousHash) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            Fields.Join(sequence.ToString(CultureInfo.InvariantCulture), InstantPattern.ExtendedIso.Format(at), actor, entityType, entityId, action, previousHash))));

    /// <summary>A new entry of format 2 chained to <paramref name="previousHash"/>: keyed when <paramref name="key"/> is given.</summary>
    internal static AuditEntry Create(long sequence, Instant at, string actor, string entityType, string entityId, string action, string? content, string previousHash, EngineKey? key)
    {
        var entry = new AuditEntry(sequence, at, actor, entityType, entityId, action, previousHash, string.Empty) { Format = 2, Content = content, KeyId = key?.Id };
        return entry with { Hash = entry.ExpectedHash(key) };
    }

    /// <summary>The hash this entry must carry given its fields (for a keyed entry, under <paramref name="key"/>).</summary>
    internal string ExpectedHash(EngineKey? key)
    {
        if (Format == 1)
        {
            return ComputeHash(Sequence, At, Actor, EntityType, EntityId, Action, PreviousHash);
        }

        var text = Fields.Join("audit/2", Sequence.ToString(CultureInfo.InvariantCulture), InstantPattern.ExtendedIso.Format(At), Actor, EntityType, EntityId, Action, Content ?? string.Empty, KeyId ?? string.Empty, PreviousHash);
        return KeyId is null ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))) : Convert.ToHexStringLower(key!.Mac(text));
    }
}

/// <summary>Length-prefixed fields: no choice of field text can make two different lists of fields read alike.</summary>
internal static class Fields
{
    public static string Join(params string[] fields)
    {
        var text = new StringBuilder();
        foreach (var field in fields)
        {
            text.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
        }

        return text.ToString();
    }
}
