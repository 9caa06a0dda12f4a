using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
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
/// problem (bad JSON, a value of the wrong kind, a missing or unknown field) is reported with its JSON path, one per
/// broken part (the envelope, each claim, each fee schedule) at once. Claims are then validated in full by
/// <see cref="ClaimValidator"/>. Thread safe.
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
        var file = Read<FileDto>(json, out var errors);
        if (errors.Count > 0)
        {
            return new ClaimFileResult(null, errors);
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
    /// Reads a file (claim or eligibility request) as <typeparamref name="T"/>. When that fails and the JSON is well
    /// formed, each part is read on its own — every top-level member, each element of a top-level array apart — and every
    /// broken part is reported at once with its full path (<c>claims[2].lines[0].charge</c>), with the file's missing
    /// and unknown top-level fields; a part that reads adds nothing. Malformed JSON stays one error with its line and
    /// position. Values are not checked here: the value checks run once the file reads whole.
    /// </summary>
    /// <param name="json">The file's text.</param>
    /// <param name="errors">Every structural problem; empty when the file read.</param>
    /// <returns>The file's contents; default when there are errors.</returns>
    internal static T? Read<T>(string json, out IReadOnlyList<ValidationError> errors)
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(json, Options);
            errors = NullElements(json);
            return errors.Count > 0 ? default : value;
        }
        catch (JsonException ex)
        {
            errors = StructuralErrors(typeof(T), json, ex);
            return default;
        }
    }

    /// <summary>Every null element of a list, anywhere in the file (the reader lets them through: a list's elements carry no nullability), with its path.</summary>
    private static List<ValidationError> NullElements(string json)
    {
        var errors = new List<ValidationError>();
        void Walk(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var member in element.EnumerateObject())
                {
                    Walk(member.Value, path.Length == 0 ? JsonPaths.Member(member.Name) : JsonPaths.Within(path, JsonPaths.Member(member.Name)));
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var at = $"{path}[{i++}]";
                    if (item.ValueKind == JsonValueKind.Null)
                    {
                        errors.Add(new ValidationError(at, "must not be null (leave the element out)"));
                    }
                    else
                    {
                        Walk(item, at);
                    }
                }
            }
        }

        using var document = JsonDocument.Parse(json);
        Walk(document.RootElement, string.Empty);
        return errors;
    }

    /// <summary>
    /// Why a file did not read whole: malformed JSON is its syntax error alone (the reader's own error, path included, when
    /// that is where it stopped); well-formed JSON gives each broken part's problem, else the whole file's error.
    /// </summary>
    private static IReadOnlyList<ValidationError> StructuralErrors(Type type, string json, JsonException whole)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException malformed)
        {
            return [Describe((malformed.LineNumber, malformed.BytePositionInLine) == (whole.LineNumber, whole.BytePositionInLine) ? whole : malformed, json)];
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [new ValidationError("$", $"the file must be a JSON object, not {(document.RootElement.ValueKind == JsonValueKind.Array ? "an array" : "a single value")} (see docs/claim-format.md)")];
            }

            // A null list element reads on its own (a list's elements carry no nullability), so those are added here.
            var parts = PartErrors(type, document.RootElement);
            parts.AddRange(NullElements(json).Where(n => !parts.Any(p => p.Path == n.Path)));

            // Should every part read on its own (it should not), the whole file's error is still reported.
            return parts.Count > 0 ? parts : [Describe(whole, json)];
        }
    }

    /// <summary>The problems of each part of a file's top-level object, in the file's order after its missing fields; none when it is not an object.</summary>
    private static List<ValidationError> PartErrors(Type type, JsonElement root)
    {
        var errors = new List<ValidationError>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return errors;
        }

        var members = Options.GetTypeInfo(type).Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var present = root.EnumerateObject().Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        if (members.Values.Where(JsonPaths.IsRequired).Select(p => p.Name).Where(name => !present.Contains(name)).ToList() is { Count: > 0 } missing)
        {
            errors.Add(new ValidationError("$", MissingFields(missing)));
        }

        foreach (var member in root.EnumerateObject())
        {
            var path = JsonPaths.Member(member.Name);
            if (!members.TryGetValue(member.Name, out var property))
            {
                errors.Add(new ValidationError(path, UnknownField(member.Name)));
            }
            else if (member.Value.ValueKind == JsonValueKind.Null)
            {
                // Read on its own, a null is no error: the field's annotation says whether it may be null.
                if (!JsonPaths.IsNullable(property))
                {
                    errors.Add(new ValidationError(path, MustNotBeNull));
                }
            }
            else if (member.Value.ValueKind == JsonValueKind.Array && Options.GetTypeInfo(property.PropertyType) is { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } element })
            {
                errors.AddRange(member.Value.EnumerateArray().SelectMany((item, i) => PartError(element, item, $"{path}[{i}]")));
            }
            else
            {
                errors.AddRange(PartError(property.PropertyType, member.Value, path));
            }
        }

        return errors;
    }

    /// <summary>The problem of one part read on its own, its path made whole; none when it reads.</summary>
    private static IEnumerable<ValidationError> PartError(Type type, JsonElement part, string path)
    {
        var json = part.GetRawText();
        try
        {
            JsonSerializer.Deserialize(json, type, Options);
            return [];
        }
        catch (JsonException ex)
        {
            var error = Describe(ex, json);
            return [new ValidationError(JsonPaths.Within(path, error.Path), error.Message)];
        }
    }

    private const string MustNotBeNull = "must not be null";

    private static string UnknownField(string field) => $"unknown field '{field}' (see docs/claim-format.md)";

    private static string MissingFields(IEnumerable<string> fields) => $"required fields are missing: {string.Join(", ", fields.Select(f => $"'{f}'"))}";

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
            return new ValidationError(path, UnknownField(field));
        }

        if (what.Contains("was missing required properties", StringComparison.Ordinal))
        {
            return JsonPaths.MissingRequired(what, ex.Path, json, Options) is { Count: > 0 } missing
                ? new ValidationError(path, MissingFields(missing))
                : new ValidationError(path, $"required fields are missing: {what[(what.IndexOf("including:", StringComparison.Ordinal) + "including:".Length)..].Trim().TrimEnd('.')}");
        }

        return new ValidationError(path, DescribeValue(ex, what));
    }

    private static string DescribeValue(JsonException ex, string what)
    {
        if (what.Contains("doesn't allow null values", StringComparison.Ordinal))
        {
            return MustNotBeNull;
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
