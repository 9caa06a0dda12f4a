using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace MedCoord.Engine.Audit;

/// <summary>One recorded state change. Holds opaque ids and action codes only: no names, no free text.</summary>
/// <param name="Sequence">Position in the log, from 1 without gaps.</param>
/// <param name="At">When the change was recorded (from the injected clock).</param>
/// <param name="Actor">Who made it: an opaque user or system id.</param>
/// <param name="EntityType">What kind of thing changed, for example "referral".</param>
/// <param name="EntityId">Its opaque id.</param>
/// <param name="Action">What happened, as a code, for example "Sent".</param>
/// <param name="PreviousHash">The hash of the entry before (64 zeros for the first).</param>
/// <param name="Hash">SHA-256 (lower-case hex) of this entry's fields and <paramref name="PreviousHash"/>.</param>
public sealed record AuditEntry(long Sequence, Instant At, string Actor, string EntityType, string EntityId, string Action, string PreviousHash, string Hash)
{
    /// <summary>The previous hash of the first entry.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The hash an entry with these fields must carry.</summary>
    /// <param name="sequence">Its sequence.</param>
    /// <param name="at">Its time.</param>
    /// <param name="actor">Its actor.</param>
    /// <param name="entityType">Its entity type.</param>
    /// <param name="entityId">Its entity id.</param>
    /// <param name="action">Its action.</param>
    /// <param name="previousHash">The previous entry's hash.</param>
    /// <returns>Lower-case hex SHA-256.</returns>
    public static string ComputeHash(long sequence, Instant at, string actor, string entityType, string entityId, string action, string previousHash)
    {
        // Each field is length-prefixed, so no choice of field text can make two different entries hash alike.
        var text = new StringBuilder();
        foreach (var field in new[] { sequence.ToString(CultureInfo.InvariantCulture), InstantPattern.ExtendedIso.Format(at), actor, entityType, entityId, action, previousHash })
        {
            text.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
