using System.Text.Json;
using System.Text.Json.Serialization;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Validation;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace MedCoord.Engine.Billing;

/// <summary>A claim file's contents: the 837 envelope, the claims (as drafts) and the payers' fee schedules.</summary>
/// <param name="Envelope">Sender, receiver and control number.</param>
/// <param name="Claims">The claims.</param>
/// <param name="FeeSchedules">The fee schedules for the responsibility estimate; null or empty when there are none.</param>
public sealed record ClaimBatch(X12Envelope Envelope, IReadOnlyList<Claim> Claims, IReadOnlyList<FeeSchedule>? FeeSchedules = null);

/// <summary>What reading a claim file gave: the batch, or every structural problem with its JSON path.</summary>
/// <param name="Batch">The batch; null when the file is not a claim file.</param>
/// <param name="Errors">Every problem, each with its JSON path (<c>claims[0].lines[1].charge</c>, <c>$</c> for the whole file); empty when read.</param>
public sealed record ClaimFileResult(ClaimBatch? Batch, IReadOnlyList<ValidationError> Errors)
{
    /// <summary>Gets whether the file was read.</summary>
    public bool Succeeded => Batch is not null;
}

/// <summary>
/// Reads the claim input file (<c>docs/claim-format.md</c>): JSON, camelCase, unknown fields refused; a structural
/// problem (bad JSON, a value of the wrong kind, a missing or unknown field) is reported with its JSON path. Claims are
/// then validated in full by <see cref="ClaimValidator"/>. Thread safe.
/// </summary>
public static class ClaimFile
{
    internal static readonly JsonSerializerOptions Options = new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    }.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);

    /// <summary>
    /// Reads a claim file's bytes: UTF-8 (a byte order mark is allowed), checked strictly, so that a bad byte is
    /// reported (at <c>$</c>, with its offset) rather than replaced and written into an 837P.
    /// </summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <returns>The batch, or the problems (each with its JSON path) when the file is not a claim file.</returns>
    public static ClaimFileResult Parse(ReadOnlySpan<byte> utf8Json) =>
        Utf8Text.Decode(utf8Json, out var error) is { } json ? Parse(json) : Failed("$", error!);

    /// <summary>Reads a claim file.</summary>
    /// <param name="json">The file's text.</param>
    /// <returns>The batch, or the problems (each with its JSON path) when the file is not a claim file.</returns>
    public static ClaimFileResult Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        FileDto? file;
        try
        {
            file = JsonSerializer.Deserialize<FileDto>(json, Options);
        }
        catch (JsonException ex)
        {
            return new ClaimFileResult(null, [Describe(ex, json)]);
        }

        if (file is null)
        {
            return Failed("$", "the file is empty (null)");
        }

        if (file.FormatVersion != 1)
        {
            return Failed("formatVersion", $"unsupported format version {file.FormatVersion}; only 1 is supported");
        }

        var claims = file.Claims.Select(c => new Claim(c.Id, c.VisitId, c.Patient, c.Coverage.ToCoverage(), c.BillingProvider, c.RenderingProvider,
            c.Diagnoses, [.. c.Lines.Select(l => l.ToLine())], ClaimStatus.Draft, [], null, c.Frequency, c.PayerClaimNumber, c.PriorPayers?.Select(p => p.ToPriorPayer()).ToList())).ToList();
        var schedules = (file.FeeSchedules ?? []).Select(f => new FeeSchedule(f.PayerId, f.PlanId, [.. f.Entries.Select(e => new FeeScheduleEntry(e.ProcedureCode, e.Modifiers ?? [], e.Allowed))])).ToList();
        return new ClaimFileResult(new ClaimBatch(file.Envelope, claims, schedules), []);
    }

    private static ClaimFileResult Failed(string path, string message) => new(null, [new ValidationError(path, message)]);

    /// <summary>
    /// What a deserialization error means for the file, with its JSON path and without the reader's type names: an
    /// unknown field is named by its own path, and a missing-fields error lists every required field the object lacks.
    /// </summary>
    internal static ValidationError Describe(JsonException ex, string json)
    {
        var path = JsonPaths.Relative(ex.Path);
        var what = ex.Message.Split(" Path:", 2)[0].Split(". LineNumber", 2)[0];
        if (JsonPaths.UnmappedMember(what) is { } field)
        {
            // The reader's path already ends at the field: name the field and where it is, never its value.
            return new ValidationError(path, $"unknown field '{field}' (see docs/claim-format.md)");
        }

        if (what.Contains("was missing required properties", StringComparison.Ordinal))
        {
            var missing = JsonPaths.MissingRequired(what, ex.Path, json, Options);
            var fields = missing is { Count: > 0 }
                ? string.Join(", ", missing.Select(m => $"'{m}'"))
                : what[(what.IndexOf("including:", StringComparison.Ordinal) + "including:".Length)..].Trim().TrimEnd('.');
            return new ValidationError(path, $"required fields are missing: {fields}");
        }

        return new ValidationError(path, DescribeValue(ex, what));
    }

    private static string DescribeValue(JsonException ex, string what)
    {
        if (what.Contains("doesn't allow null values", StringComparison.Ordinal))
        {
            return "must not be null";
        }

        if (what.Contains("could not be converted to", StringComparison.Ordinal))
        {
            return "the value is of the wrong kind or out of range for this field (see docs/claim-format.md)";
        }

        if (what.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "the file is empty";
        }

        return ex.LineNumber is { } line ? $"malformed JSON at line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}" : what;
    }

    private sealed record FileDto(int FormatVersion, X12Envelope Envelope, IReadOnlyList<ClaimDto> Claims, IReadOnlyList<FeeScheduleDto>? FeeSchedules = null);

    private sealed record FeeScheduleDto(string PayerId, IReadOnlyList<FeeEntryDto> Entries, string? PlanId = null);

    private sealed record FeeEntryDto(string ProcedureCode, decimal Allowed, IReadOnlyList<string>? Modifiers = null);

    private sealed record PriorPayerDto(
        string PayerId,
        string PayerName,
        string MemberId,
        Person Subscriber,
        SubscriberRelationship Relationship,
        string ClaimFilingIndicator,
        LocalDate AdjudicatedOn,
        decimal Paid,
        string? PlanId = null,
        IReadOnlyList<PayerAdjustment>? Adjustments = null,
        IReadOnlyList<PriorLineDto>? Lines = null,
        string? PayerClaimNumber = null,
        string? MedicareSecondaryType = null)
    {
        public PriorPayer ToPriorPayer() => new(PayerId, PayerName, MemberId, PlanId, Subscriber, Relationship, ClaimFilingIndicator, AdjudicatedOn, Paid,
            Adjustments ?? [], [.. (Lines ?? []).Select(l => new PriorLineAdjudication(l.Line, l.Paid, l.Adjustments ?? []))], PayerClaimNumber, MedicareSecondaryType);
    }

    private sealed record PriorLineDto(int Line, decimal Paid, IReadOnlyList<PayerAdjustment>? Adjustments = null);

    private sealed record ClaimDto(
        string Id,
        string VisitId,
        Person Patient,
        CoverageDto Coverage,
        ClaimProvider BillingProvider,
        IReadOnlyList<string> Diagnoses,
        IReadOnlyList<LineDto> Lines,
        ClaimProvider? RenderingProvider = null,
        ClaimFrequency Frequency = ClaimFrequency.Original,
        string? PayerClaimNumber = null,
        IReadOnlyList<PriorPayerDto>? PriorPayers = null);

    internal sealed record CoverageDto(
        string Id,
        string PayerId,
        string PayerName,
        string PlanId,
        string MemberId,
        Person Subscriber,
        SubscriberRelationship Relationship,
        LocalDate EffectiveFrom,
        BenefitsDto Benefits,
        LocalDate? EffectiveTo = null,
        IReadOnlyList<Authorization>? Authorizations = null,
        string ClaimFilingIndicator = "CI",
        string? MedicareSecondaryType = null)
    {
        public Coverage ToCoverage() => new(Id, PayerId, PayerName, PlanId, MemberId, Subscriber, Relationship, EffectiveFrom, EffectiveTo, Benefits.ToBenefits(), Authorizations ?? [], ClaimFilingIndicator,
            MedicareSecondaryType);
    }

    internal sealed record BenefitsDto(
        Accumulator Deductible,
        decimal CoinsurancePercent,
        Accumulator OutOfPocketMaximum,
        Dictionary<string, decimal>? Copays = null,
        IReadOnlyList<string>? PriorAuthorization = null,
        bool CopayCountsTowardDeductible = false,
        bool CopayCountsTowardOutOfPocket = true)
    {
        public Benefits ToBenefits() => new(Copays ?? [], Deductible, CoinsurancePercent, OutOfPocketMaximum, PriorAuthorization ?? [], CopayCountsTowardDeductible, CopayCountsTowardOutOfPocket);
    }

    private sealed record LineDto(
        string ProcedureCode,
        decimal Units,
        decimal Charge,
        IReadOnlyList<int> DiagnosisPointers,
        string PlaceOfService,
        LocalDate DateOfService,
        string Category,
        IReadOnlyList<string>? Modifiers = null)
    {
        public ServiceLine ToLine() => new(ProcedureCode, Modifiers ?? [], Units, Charge, DiagnosisPointers, PlaceOfService, DateOfService, Category);
    }
}
