using MedCoord.Scheduling.Validation;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using Microsoft.Extensions.Options;
using NodaTime;

namespace MedCoord.Engine;

/// <summary>Options of the care-coordination engine; validated when the host starts.</summary>
public sealed class EngineOptions
{
    /// <summary>Gets or sets the SQLite database file; null keeps records in memory (tests and trials only).</summary>
    public string? DatabasePath { get; set; }

    /// <summary>
    /// Gets or sets the data key: record bodies are encrypted with it at rest (AES-256-GCM, its id stored with each
    /// record). Null stores record contents (names, birth dates, addresses) as JSON in clear.
    /// </summary>
    /// <value>The default is null: records in clear.</value>
    public EngineKey? DataKey { get; set; }

    /// <summary>
    /// Gets or sets earlier data keys, kept only to read records still encrypted with them: to rotate, make the new key
    /// <see cref="DataKey"/> and list the old one here; each record is re-encrypted with the new key when it is next written.
    /// </summary>
    /// <value>The default is empty.</value>
    public List<EngineKey> PreviousDataKeys { get; set; } = [];

    /// <summary>
    /// Gets or sets the audit key: every audit entry's hash is an HMAC-SHA256 under it, so recomputing the chain needs the
    /// key. It must differ from the data key. Null writes unkeyed (SHA-256) entries, which anyone who can write the database could recompute;
    /// a database whose chain is keyed refuses writes without its key.
    /// </summary>
    /// <value>The default is null: an unkeyed chain.</value>
    public EngineKey? AuditKey { get; set; }

    /// <summary>Gets or sets the tzdb zone whose dates are "today" for care plans (the clinic's zone).</summary>
    /// <value>The default is Etc/UTC.</value>
    public string ClinicZone { get; set; } = "Etc/UTC";

    /// <summary>Gets or sets how long after a visit's start a patient may still check in before it becomes a no-show.</summary>
    /// <value>The default is 15 minutes.</value>
    public Duration CheckInGrace { get; set; } = Duration.FromMinutes(15);

    /// <summary>Gets or sets how long a visit may stay arrived or checked in before it is on the worklist.</summary>
    public VisitOptions Visits { get; set; } = new();

    /// <summary>Gets or sets how long a care plan may stay in draft or on hold before it is on the worklist.</summary>
    public CarePlanOptions CarePlans { get; set; } = new();

    /// <summary>Gets or sets how long a claim may wait in each status before it is on the worklist.</summary>
    public ClaimOptions Claims { get; set; } = new();

    /// <summary>Gets or sets the forms each appointment type needs before check-in; types not listed need none.</summary>
    public Dictionary<string, FormRequirements> Forms { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the referral limits per priority.</summary>
    public ReferralOptions Referrals { get; set; } = new();

    /// <summary>Gets or sets the age limits of result tasks.</summary>
    public ResultsRelayOptions Results { get; set; } = new();

    /// <summary>Gets or sets when reminders and follow-ups go out.</summary>
    public OutboxOptions Outbox { get; set; } = new();

    /// <summary>Every problem with the options, each naming its option.</summary>
    /// <returns>One error per problem, its path the option; empty when valid.</returns>
    public IReadOnlyList<ValidationError> Validate()
    {
        var problems = new List<ValidationError>();
        if (DatabasePath is not null && string.IsNullOrWhiteSpace(DatabasePath))
        {
            problems.Add(new("DatabasePath", "must name a file, or be null to keep records in memory"));
        }

        if (ClinicZone is null || DateTimeZoneProviders.Tzdb.GetZoneOrNull(ClinicZone) is null)
        {
            problems.Add(new($"ClinicZone", $"'{ClinicZone}' is not a tzdb zone id"));
        }

        if (CheckInGrace < Duration.Zero)
        {
            problems.Add(new($"CheckInGrace", $"must not be negative, found {CheckInGrace}"));
        }

        if (Forms is null || Forms.Any(f => string.IsNullOrWhiteSpace(f.Key) || f.Value is null || f.Value.ConsentScope is { Length: 0 }))
        {
            problems.Add(new("Forms", "each appointment type needs its requirements (a consent scope, when given, is not empty)"));
        }

        problems.AddRange(Nested("Visits", Visits?.Validate()));
        problems.AddRange(Nested("CarePlans", CarePlans?.Validate()));
        problems.AddRange(Nested("Claims", Claims?.Validate()));

        if (PreviousDataKeys is null || PreviousDataKeys.Any(k => k is null))
        {
            problems.Add(new("PreviousDataKeys", "must be a list of keys (empty when there are none)"));
        }

        if (AuditKey is not null && (AuditKey.Id == DataKey?.Id || PreviousDataKeys?.Any(k => k?.Id == AuditKey.Id) == true))
        {
            problems.Add(new($"AuditKey", $"must differ from the data keys (key {AuditKey.Id} is both)"));
        }

        problems.AddRange(Nested("Referrals", Referrals?.Validate()));
        problems.AddRange(Nested("Results", Results?.Validate()));
        problems.AddRange(Nested("Outbox", Outbox?.Validate()));
        return problems;
    }

    /// <summary>The errors of a nested options object, their paths under its name; "missing" when it is null.</summary>
    private static IEnumerable<ValidationError> Nested(string name, IReadOnlyList<ValidationError>? errors) =>
        errors is null ? [new ValidationError(name, "missing")] : errors.Select(e => e with { Path = $"{name}.{e.Path}" });

    /// <summary>Gets the clinic's zone.</summary>
    internal DateTimeZone Zone => DateTimeZoneProviders.Tzdb[ClinicZone];
}

/// <summary>Validates <see cref="EngineOptions"/> once, at start.</summary>
internal sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
{
    public ValidateOptionsResult Validate(string? name, EngineOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => p.ToString()));
    }
}
