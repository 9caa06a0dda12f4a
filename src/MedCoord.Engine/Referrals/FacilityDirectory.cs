using MedCoord.Scheduling.Validation;

namespace MedCoord.Engine.Referrals;

/// <summary>A facility referrals can go to: who they are, what they offer, how to reach them.</summary>
/// <param name="Id">Opaque facility id (a referral's target names it as <c>facility:ID</c>).</param>
/// <param name="Name">The facility's name.</param>
/// <param name="Specialties">Specialties it accepts referrals for.</param>
/// <param name="Phone">Its referral line.</param>
/// <param name="Email">Its referral mailbox, if any.</param>
/// <param name="External">True for facilities outside the host's own organisation.</param>
public sealed record DirectoryFacility(string Id, string Name, IReadOnlyList<string> Specialties, string Phone, string? Email, bool External);

/// <summary>
/// The facilities referrals can go to, and the targets a referral may name: a specialty some facility offers
/// (<c>cardiology</c>) or one facility (<c>facility:ID</c>). Immutable; thread safe.
/// </summary>
public sealed class FacilityDirectory
{
    /// <summary>The prefix of a target that names one facility.</summary>
    public const string FacilityPrefix = "facility:";

    private readonly Dictionary<string, DirectoryFacility> _byId;

    /// <summary>Creates the directory.</summary>
    /// <param name="facilities">The facilities.</param>
    /// <exception cref="ValidationException">An id is empty or repeated, or a facility offers no specialty or has no phone: every problem, each with its path.</exception>
    public FacilityDirectory(IEnumerable<DirectoryFacility> facilities)
    {
        ArgumentNullException.ThrowIfNull(facilities);
        var list = facilities.ToList();
        var problems = new List<ValidationError>();
        for (var i = 0; i < list.Count; i++)
        {
            var f = list[i];
            if (f is null || string.IsNullOrWhiteSpace(f.Id))
            {
                problems.Add(new ValidationError($"facilities[{i}].id", "needs an id"));
                continue;
            }

            if (list.Take(i).Any(o => o?.Id == f.Id))
            {
                problems.Add(new ValidationError($"facilities[{i}].id", $"id '{f.Id}' is used twice"));
            }

            if (f.Specialties is null || f.Specialties.Count == 0 || f.Specialties.Any(string.IsNullOrWhiteSpace))
            {
                problems.Add(new ValidationError($"facilities[{i}].specialties", $"facility '{f.Id}' needs at least one specialty, none empty"));
            }

            if (string.IsNullOrWhiteSpace(f.Phone))
            {
                problems.Add(new ValidationError($"facilities[{i}].phone", $"facility '{f.Id}' needs a referral phone line"));
            }
        }

        ValidationException.ThrowIfAny(problems, "facility directory", nameof(facilities));

        _byId = list.ToDictionary(f => f.Id, StringComparer.Ordinal);
    }

    /// <summary>Gets every facility, by id.</summary>
    public IReadOnlyList<DirectoryFacility> Facilities => [.. _byId.Values.OrderBy(f => f.Id, StringComparer.Ordinal)];

    /// <summary>The facilities that accept a specialty, by id.</summary>
    /// <param name="specialty">The specialty.</param>
    /// <returns>The facilities; empty when none.</returns>
    public IReadOnlyList<DirectoryFacility> Offering(string specialty) =>
        [.. Facilities.Where(f => f.Specialties.Contains(specialty, StringComparer.OrdinalIgnoreCase))];

    /// <summary>Why a referral target is not valid here, or null when it is.</summary>
    /// <param name="target">A specialty, or <c>facility:ID</c>.</param>
    /// <returns>The problem, or null.</returns>
    public string? CheckTarget(string target)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            return "the target is empty";
        }

        if (target.StartsWith(FacilityPrefix, StringComparison.Ordinal))
        {
            var id = target[FacilityPrefix.Length..];
            return _byId.ContainsKey(id) ? null : $"no facility '{id}' in the directory";
        }

        return Offering(target).Count > 0 ? null : $"no facility in the directory accepts '{target}' referrals";
    }
}
