using System.Globalization;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Engine.Billing;

/// <summary>Where a claim is.</summary>
public enum ClaimStatus
{
    /// <summary>Being written.</summary>
    Draft,

    /// <summary>Validated, ready to submit.</summary>
    Ready,

    /// <summary>Sent to the payer.</summary>
    Submitted,

    /// <summary>The payer took it in for adjudication.</summary>
    Accepted,

    /// <summary>The payer refused it as submitted (to correct and resubmit, or close).</summary>
    Rejected,

    /// <summary>Paid in full.</summary>
    Paid,

    /// <summary>Paid in part.</summary>
    PartiallyPaid,

    /// <summary>Adjudicated and not paid.</summary>
    Denied,

    /// <summary>The decision is appealed.</summary>
    Appealed,

    /// <summary>Done.</summary>
    Closed,
}

/// <summary>A provider on a claim.</summary>
/// <param name="Npi">The 10-digit National Provider Identifier (its check digit is verified).</param>
/// <param name="Name">Organisation name, or "Last, First" for a person.</param>
/// <param name="IsOrganization">Whether it is an organisation (NM102 = 2) rather than a person (1).</param>
/// <param name="TaxId">The 9-digit employer identification number (billing provider only).</param>
/// <param name="Address">The address (billing provider only).</param>
public sealed record ClaimProvider(string Npi, string Name, bool IsOrganization, string? TaxId = null, Address? Address = null);

/// <summary>One service line.</summary>
/// <param name="ProcedureCode">CPT or HCPCS Level II code.</param>
/// <param name="Modifiers">Up to four modifiers.</param>
/// <param name="Units">Units of service.</param>
/// <param name="Charge">The charge for the line (all units), at most two decimals.</param>
/// <param name="DiagnosisPointers">One to four 1-based positions in the claim's diagnoses, the first the line's primary.</param>
/// <param name="PlaceOfService">Two-digit CMS place-of-service code (11 office, 02 telehealth, ...).</param>
/// <param name="DateOfService">The date of service.</param>
/// <param name="Category">The benefit category, for the responsibility estimate (for example <c>office-visit</c>).</param>
public sealed record ServiceLine(
    string ProcedureCode,
    IReadOnlyList<string> Modifiers,
    decimal Units,
    decimal Charge,
    IReadOnlyList<int> DiagnosisPointers,
    string PlaceOfService,
    LocalDate DateOfService,
    string Category);

/// <summary>A professional claim (what an 837P carries).</summary>
/// <param name="Id">The patient control number (CLM01), unique per claim.</param>
/// <param name="VisitId">The fulfilled visit it bills.</param>
/// <param name="Patient">The patient.</param>
/// <param name="Coverage">The coverage billed.</param>
/// <param name="BillingProvider">Who bills.</param>
/// <param name="RenderingProvider">Who provided the service; null when it is the billing provider.</param>
/// <param name="Diagnoses">1 to 12 ICD-10-CM codes, the first principal.</param>
/// <param name="Lines">1 to 50 service lines.</param>
/// <param name="Status">Where it is.</param>
/// <param name="History">Every change, oldest first.</param>
/// <param name="CreatedAt">When the draft was stored; null for claims made outside the engine.</param>
/// <param name="Frequency">Original, or a replacement or void of a claim the payer has (CLM05-3).</param>
/// <param name="PayerClaimNumber">The payer's claim control number of the claim replaced or voided (REF*F8); null for an original.</param>
/// <param name="PriorPayers">Payers that adjudicated the claim before the one it is sent to, primary first (coordination of benefits); null or empty when it goes to the primary.</param>
public sealed record Claim(
    string Id,
    string VisitId,
    Person Patient,
    Coverage Coverage,
    ClaimProvider BillingProvider,
    ClaimProvider? RenderingProvider,
    IReadOnlyList<string> Diagnoses,
    IReadOnlyList<ServiceLine> Lines,
    ClaimStatus Status,
    IReadOnlyList<StatusChange<ClaimStatus>> History,
    Instant? CreatedAt = null,
    ClaimFrequency Frequency = ClaimFrequency.Original,
    string? PayerClaimNumber = null,
    IReadOnlyList<PriorPayer>? PriorPayers = null)
{
    /// <summary>Gets the total charge: the sum of the lines' charges.</summary>
    public decimal TotalCharge => Lines.Sum(l => l.Charge);

    /// <summary>Gets the payments posted from remittances (835), oldest first.</summary>
    public IReadOnlyList<ClaimPayment> Payments { get; init; } = [];
}

/// <summary>A claim that has waited in one status past its limit.</summary>
/// <param name="ClaimId">The claim.</param>
/// <param name="Status">Where it waits.</param>
/// <param name="Since">When it entered that status (unknown creation times count from the earliest instant).</param>
/// <param name="DueAt">When it should have moved on.</param>
public sealed record StalledClaim(string ClaimId, ClaimStatus Status, Instant Since, Instant DueAt);

/// <summary>How long a claim may wait in each status before it is on the worklist. Mutable options, validated by <see cref="Validate"/>.</summary>
public sealed class ClaimOptions
{
    /// <summary>Gets or sets the limit per status; every status but Closed needs one.</summary>
    /// <value>
    /// The defaults are Draft 7 days, Ready 2 days, Submitted 7 days (no acknowledgement), Accepted 30 days (no
    /// decision), Rejected 7 days (not corrected or closed), Paid 7 days (not closed), PartiallyPaid and Denied
    /// 30 days (not appealed or closed), Appealed 60 days.
    /// </value>
    public Dictionary<ClaimStatus, Duration> Limits { get; set; } = new()
    {
        [ClaimStatus.Draft] = Duration.FromDays(7),
        [ClaimStatus.Ready] = Duration.FromDays(2),
        [ClaimStatus.Submitted] = Duration.FromDays(7),
        [ClaimStatus.Accepted] = Duration.FromDays(30),
        [ClaimStatus.Rejected] = Duration.FromDays(7),
        [ClaimStatus.Paid] = Duration.FromDays(7),
        [ClaimStatus.PartiallyPaid] = Duration.FromDays(30),
        [ClaimStatus.Denied] = Duration.FromDays(30),
        [ClaimStatus.Appealed] = Duration.FromDays(60),
    };

    /// <summary>Every problem with the options.</summary>
    /// <returns>One error per problem, its path the option; empty when valid.</returns>
    public IReadOnlyList<ValidationError> Validate() =>
        [.. Enum.GetValues<ClaimStatus>().Where(s => ClaimLifecycle.AllowedFrom(s).Count > 0)
            .Where(s => Limits is null || !Limits.TryGetValue(s, out var limit) || limit <= Duration.Zero)
            .Select(s => new ValidationError($"Limits[{s}]", "needs a positive limit"))];
}

/// <summary>Claims that have waited in a status past its limit, the longest late first. Every status but Closed waits on someone. Thread safe.</summary>
public static class ClaimWorklist
{
    /// <summary>The stalled claims.</summary>
    /// <param name="claims">Claims.</param>
    /// <param name="options">The limits.</param>
    /// <param name="now">The current instant.</param>
    /// <returns>The worklist.</returns>
    public static IReadOnlyList<StalledClaim> Stalled(IEnumerable<Claim> claims, ClaimOptions options, Instant now)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(options);
        return [.. claims
            .Where(c => ClaimLifecycle.AllowedFrom(c.Status).Count > 0)
            .Select(c => (Claim: c, Since: c.History.Count > 0 ? c.History[^1].At : c.CreatedAt ?? Instant.MinValue))
            .Select(c => new StalledClaim(c.Claim.Id, c.Claim.Status, c.Since, c.Since == Instant.MinValue ? c.Since : c.Since + options.Limits[c.Claim.Status]))
            .Where(c => now > c.DueAt)
            .OrderBy(c => c.DueAt).ThenBy(c => c.ClaimId, StringComparer.Ordinal)];
    }
}

/// <summary>Builds claims from fulfilled visits and moves them along their lifecycle. Pure; thread safe.</summary>
public static class ClaimLifecycle
{
    /// <summary>The claim lifecycle.</summary>
    internal static readonly Lifecycle<ClaimStatus> Lifecycle = new(Lifecycles.ClaimKind, new Dictionary<ClaimStatus, ClaimStatus[]>
    {
        [ClaimStatus.Draft] = [ClaimStatus.Ready],
        [ClaimStatus.Ready] = [ClaimStatus.Submitted, ClaimStatus.Draft],
        [ClaimStatus.Submitted] = [ClaimStatus.Accepted, ClaimStatus.Rejected],
        [ClaimStatus.Accepted] = [ClaimStatus.Paid, ClaimStatus.PartiallyPaid, ClaimStatus.Denied, ClaimStatus.Rejected],
        [ClaimStatus.Rejected] = [ClaimStatus.Draft, ClaimStatus.Closed],
        [ClaimStatus.Paid] = [ClaimStatus.Closed],
        [ClaimStatus.PartiallyPaid] = [ClaimStatus.Appealed, ClaimStatus.Closed],
        [ClaimStatus.Denied] = [ClaimStatus.Appealed, ClaimStatus.Closed],
        [ClaimStatus.Appealed] = [ClaimStatus.Paid, ClaimStatus.PartiallyPaid, ClaimStatus.Denied, ClaimStatus.Closed],
        [ClaimStatus.Closed] = [],
    });

    /// <summary>The statuses a claim in <paramref name="from"/> may move to.</summary>
    /// <param name="from">A status.</param>
    /// <returns>The allowed next statuses.</returns>
    public static IReadOnlyList<ClaimStatus> AllowedFrom(ClaimStatus from) => Lifecycle.AllowedFrom(from);

    /// <summary>A draft claim for a fulfilled visit.</summary>
    /// <param name="id">The patient control number.</param>
    /// <param name="visit">The visit; it must be fulfilled.</param>
    /// <param name="patient">The patient.</param>
    /// <param name="coverage">The coverage billed.</param>
    /// <param name="billing">The billing provider.</param>
    /// <param name="rendering">The rendering provider, or null.</param>
    /// <param name="diagnoses">ICD-10-CM codes, principal first.</param>
    /// <param name="lines">Service lines.</param>
    /// <returns>The draft.</returns>
    /// <exception cref="ValidationException">The visit is not fulfilled, or it is another patient's (path <c>visit</c> or <c>patient</c>).</exception>
    public static Claim FromVisit(string id, Visit visit, Person patient, Coverage coverage, ClaimProvider billing, ClaimProvider? rendering,
        IReadOnlyList<string> diagnoses, IReadOnlyList<ServiceLine> lines)
    {
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentNullException.ThrowIfNull(patient);
        if (visit.Status != VisitStatus.Fulfilled)
        {
            throw new ValidationException([new ValidationError(nameof(visit), $"visit '{visit.Id}' is {visit.Status}; only a fulfilled visit is billed")], $"claim '{id}'", nameof(visit));
        }

        if (visit.PatientId != patient.Id)
        {
            throw new ValidationException([new ValidationError(nameof(patient), $"visit '{visit.Id}' is not patient '{patient.Id}''s")], $"claim '{id}'", nameof(patient));
        }

        return new Claim(id, visit.Id, patient, coverage, billing, rendering, diagnoses, lines, ClaimStatus.Draft, []);
    }

    /// <summary>Moves a claim; to Ready only when it is valid (every problem listed at once).</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="to">The new status.</param>
    /// <param name="actor">Who.</param>
    /// <param name="reason">Why.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="codeSets">Loaded code tables, if any (used when validating).</param>
    /// <returns>The claim after the move.</returns>
    /// <exception cref="TransitionException">The lifecycle does not allow it.</exception>
    /// <exception cref="ValidationException">It is to become Ready and the claim is invalid: every problem, each with its path.</exception>
    public static Claim Move(Claim claim, ClaimStatus to, string actor, string reason, IClock clock, ICodeSetProvider? codeSets = null)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentNullException.ThrowIfNull(clock);
        var change = Lifecycle.Move(claim.Id, claim.Status, to, actor, clock.GetCurrentInstant(), reason);
        if (to == ClaimStatus.Ready && ClaimValidator.Validate(claim, codeSets) is { Count: > 0 } errors)
        {
            throw new ValidationException(errors, $"claim '{claim.Id}'");
        }

        return claim with { Status = to, History = [.. claim.History, change] };
    }
}

/// <summary>Every problem of a claim at once, each naming where (a path into the claim) and why. Thread safe.</summary>
public static class ClaimValidator
{
    /// <summary>Most diagnoses on a claim.</summary>
    public const int MaxDiagnoses = 12;

    /// <summary>Most service lines on a claim.</summary>
    public const int MaxLines = 50;

    /// <summary>Every problem of the claim; empty when it is valid.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="codeSets">Loaded code tables, if any.</param>
    /// <returns>One error per problem, each with its path into the claim (<c>lines[2].procedureCode</c>).</returns>
    public static IReadOnlyList<ValidationError> Validate(Claim claim, ICodeSetProvider? codeSets = null)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var errors = new List<ValidationError>();
        void Add(string path, string? problem)
        {
            if (problem is not null)
            {
                errors.Add(new ValidationError(path, problem));
            }
        }

        Add("id", Text(claim.Id, 38) ?? (claim.Id != claim.Id.Trim() ? "must not begin or end with a space: the 837P trims CLM01, and the payer's 999, 277CA and 835 would not match the claim" : null));
        Person(Add, "patient", claim.Patient);
        Coverage(Add, claim);
        Provider(Add, "billingProvider", claim.BillingProvider, billing: true);
        if (claim.RenderingProvider is { } rendering)
        {
            Provider(Add, "renderingProvider", rendering, billing: false);
        }

        var diagnoses = claim.Diagnoses ?? [];
        if (diagnoses.Count is 0 or > MaxDiagnoses)
        {
            Add("diagnoses", $"a claim has 1 to {MaxDiagnoses} diagnoses, found {diagnoses.Count}");
        }

        for (var i = 0; i < diagnoses.Count; i++)
        {
            Add($"diagnoses[{i}]", Codes.CheckIcd10Cm(diagnoses[i], codeSets));
            var first = diagnoses.Take(i).ToList().FindIndex(d => d is not null && diagnoses[i] is not null && Codes.Normalize(CodeSystem.Icd10Cm, d) == Codes.Normalize(CodeSystem.Icd10Cm, diagnoses[i]));
            if (first >= 0)
            {
                Add($"diagnoses[{i}]", $"the same code as diagnoses[{first}]");
            }
        }

        var lines = claim.Lines ?? [];
        if (lines.Count is 0 or > MaxLines)
        {
            Add("lines", $"a claim has 1 to {MaxLines} service lines, found {lines.Count}");
        }

        for (var i = 0; i < lines.Count; i++)
        {
            Line(Add, $"lines[{i}]", lines[i], diagnoses.Count, codeSets);
        }

        SubmissionRules.Check(Add, claim);
        return errors;
    }

    /// <summary>Whether an NPI is ten digits whose last is the Luhn check digit of the prefix 80840 and the first nine.</summary>
    /// <param name="npi">The NPI.</param>
    /// <returns>True when valid.</returns>
    public static bool IsValidNpi(string? npi)
    {
        if (npi is not { Length: 10 } || !npi.All(char.IsAsciiDigit))
        {
            return false;
        }

        var digits = "80840" + npi[..9];
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            // Double every second digit from the right of the payload (the check digit would be the rightmost).
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                d = d > 9 ? d - 9 : d;
            }

            sum += d;
        }

        return (10 - (sum % 10)) % 10 == npi[9] - '0';
    }

    private static void Line(Action<string, string?> add, string path, ServiceLine line, int diagnosisCount, ICodeSetProvider? codeSets)
    {
        if (line is null)
        {
            add(path, "must not be null");
            return;
        }

        add($"{path}.procedureCode", Codes.CheckProcedure(line.ProcedureCode, codeSets));
        add($"{path}.modifiers", Codes.CheckModifiers(line.Modifiers, codeSets));
        add($"{path}.units", line.Units <= 0 || line.Units > 9999 || decimal.Round(line.Units, 1) != line.Units ? $"must be above 0 and at most 9999, with at most one decimal, found {line.Units}" : null);
        add($"{path}.charge", line.Charge <= 0 || decimal.Round(line.Charge, 2) != line.Charge || line.Charge > 99_999_999 ? $"must be a positive amount with at most two decimals, found {line.Charge}" : null);
        var pointers = line.DiagnosisPointers ?? [];
        if (pointers.Count is 0 or > 4)
        {
            add($"{path}.diagnosisPointers", $"a line points to 1 to 4 diagnoses, found {pointers.Count}");
        }

        for (var k = 0; k < pointers.Count; k++)
        {
            if (pointers[k] < 1 || pointers[k] > diagnosisCount)
            {
                add($"{path}.diagnosisPointers[{k}]", $"points to diagnosis {pointers[k]}; the claim has {diagnosisCount}");
            }
            else if (pointers.Take(k).Contains(pointers[k]))
            {
                add($"{path}.diagnosisPointers[{k}]", $"diagnosis {pointers[k]} is pointed to twice");
            }
        }

        add($"{path}.placeOfService", line.PlaceOfService is not { Length: 2 } pos || !pos.All(char.IsAsciiDigit) ? "must be a two-digit place-of-service code"
            : X12CodeLists.PlacesOfService.Contains(pos) ? null : "is not a CMS place-of-service code");
        add($"{path}.category", string.IsNullOrWhiteSpace(line.Category) ? "a benefit category is required" : null);
    }

    internal static void Person(Action<string, string?> add, string path, Person? person)
    {
        if (person is null)
        {
            add(path, "required");
            return;
        }

        add($"{path}.id", string.IsNullOrWhiteSpace(person.Id) ? "required" : person.Id.Length > 80 ? $"at most 80 characters, found {person.Id.Length}" : null);
        add($"{path}.lastName", Text(person.LastName, 60));
        add($"{path}.firstName", Text(person.FirstName, 35));
        add($"{path}.sex", person.Sex is "F" or "M" or "U" ? null : "must be F, M or U");
        Address(add, $"{path}.address", person.Address);
    }

    private static void Coverage(Action<string, string?> add, Claim claim)
    {
        var coverage = claim.Coverage;
        if (coverage is null)
        {
            add("coverage", "required");
            return;
        }

        add("coverage.payerId", Text(coverage.PayerId, 80, minLength: 2));
        add("coverage.payerName", Text(coverage.PayerName, 60));
        add("coverage.memberId", Text(coverage.MemberId, 80, minLength: 2));
        add("coverage.planId", coverage.PlanId is null ? null : Text(coverage.PlanId, 50, required: false));
        Person(add, "coverage.subscriber", coverage.Subscriber);
        if (coverage.Relationship == SubscriberRelationship.Self && coverage.Subscriber is not null && claim.Patient is not null && coverage.Subscriber.Id != claim.Patient.Id)
        {
            add("coverage.relationship", $"Self, but the subscriber '{coverage.Subscriber.Id}' is not the patient '{claim.Patient.Id}'");
        }
        else if (coverage.Relationship == SubscriberRelationship.Self && coverage.Subscriber is not null && claim.Patient is not null)
        {
            add("patient", SelfPatientProblem(coverage.Subscriber, claim.Patient));
        }

        Benefits(add, coverage.Benefits);
        foreach (var (line, i) in (claim.Lines ?? []).Select((l, i) => (l, i)))
        {
            if (line is not null && (line.DateOfService < coverage.EffectiveFrom || (coverage.EffectiveTo is { } end && line.DateOfService > end)))
            {
                add($"lines[{i}].dateOfService", $"outside the effective dates of coverage '{coverage.Id}'");
            }
        }
    }

    /// <summary>The ranges the responsibility estimate needs: coinsurance 0 to 100 %, no negative amount, amount met or copay.</summary>
    private static void Benefits(Action<string, string?> add, Benefits? benefits)
    {
        if (benefits is null)
        {
            add("coverage.benefits", "required");
            return;
        }

        add("coverage.benefits.coinsurancePercent", benefits.CoinsurancePercent is < 0 or > 100
            ? string.Create(CultureInfo.InvariantCulture, $"must be from 0 to 100, found {benefits.CoinsurancePercent}") : null);
        foreach (var (name, accumulator) in new[] { ("deductible", benefits.Deductible), ("outOfPocketMaximum", benefits.OutOfPocketMaximum) })
        {
            if (accumulator is null)
            {
                add($"coverage.benefits.{name}", "required");
                continue;
            }

            add($"coverage.benefits.{name}.amount", accumulator.Amount < 0 ? "must not be negative" : null);
            add($"coverage.benefits.{name}.met", accumulator.Met < 0 ? "must not be negative"
                : accumulator.Met > accumulator.Amount ? string.Create(CultureInfo.InvariantCulture, $"must not be above the amount {accumulator.Amount}, found {accumulator.Met}") : null);
        }

        foreach (var (category, copay) in benefits.Copays ?? new Dictionary<string, decimal>())
        {
            add($"coverage.benefits.copays.{category}", copay < 0 ? "must not be negative" : null);
        }
    }

    private static void Provider(Action<string, string?> add, string path, ClaimProvider? provider, bool billing)
    {
        if (provider is null)
        {
            add(path, "required");
            return;
        }

        add($"{path}.npi", IsValidNpi(provider.Npi) ? null : $"'{provider.Npi}' is not a valid NPI (ten digits with a Luhn check digit)");
        add($"{path}.name", ProviderNameProblem(provider.Name, provider.IsOrganization));
        if (billing)
        {
            add($"{path}.taxId", provider.TaxId is { Length: 9 } tax && tax.All(char.IsAsciiDigit) ? null : "the billing provider needs a 9-digit employer identification number");
            Address(add, $"{path}.address", provider.Address, billing: true);
        }
    }

    private static void Address(Action<string, string?> add, string path, Address? address, bool billing = false)
    {
        if (address is null)
        {
            add(path, "required");
            return;
        }

        add($"{path}.line1", Text(address.Line1, 55));
        add($"{path}.line2", SecondLineProblem(address.Line2));
        add($"{path}.city", Text(address.City, 30, minLength: 2));
        add($"{path}.state", address.State is not { Length: 2 } s || !s.All(c => c is >= 'A' and <= 'Z') ? "must be a two-letter upper-case code"
            : X12CodeLists.States.Contains(s) ? null : "must be the postal code of a US state, territory or armed forces area");
        if (billing)
        {
            // 837P 2010AA: a street address with the full ZIP+4 (post office boxes go to the pay-to address).
            add($"{path}.postalCode", address.PostalCode is { Length: 9 } z && z.All(char.IsAsciiDigit) ? null : "the billing provider's ZIP code must have all 9 digits (ZIP+4)");
            // The guide's "must be a street address" is for the whole N3: a box in either line goes to the pay-to address.
            foreach (var (field, street) in new[] { ("line1", address.Line1), ("line2", address.Line2) })
            {
                add($"{path}.{field}", street is not null && IsPostOfficeBox(street) ? "the billing provider's address must be a street address, not a post office box" : null);
            }
        }
        else
        {
            add($"{path}.postalCode", address.PostalCode is { Length: 5 or 9 } z && z.All(char.IsAsciiDigit) ? null : "must be 5 or 9 digits");
        }
    }

    /// <summary>A person's name as the 837P and 270 write it: "Last, First" (the first name optional), each part trimmed.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The last name (NM103) and the first name (NM104), empty when there is none.</returns>
    internal static (string Last, string First) SplitPersonName(string name) =>
        name.Split(',', 2, StringSplitOptions.TrimEntries) is [var last, var first] ? (last, first) : (name.Trim(), string.Empty);

    /// <summary>
    /// Why a patient who is the subscriber (relationship Self) cannot be sent as that one person, or null: the X12 files
    /// send the subscriber's name, birth date, sex and address for both, so the patient's must be the same as written
    /// (letters in either case, spaces at either end aside). A missing address is another problem, reported on its own.
    /// </summary>
    internal static string? SelfPatientProblem(Person subscriber, Person patient)
    {
        static bool Same(string? a, string? b) => string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);
        var sameAddress = subscriber.Address is not { } a || patient.Address is not { } b
            || (Same(a.Line1, b.Line1) && Same(a.Line2, b.Line2) && Same(a.City, b.City) && Same(a.State, b.State) && Same(a.PostalCode, b.PostalCode));
        return Same(subscriber.LastName, patient.LastName) && Same(subscriber.FirstName, patient.FirstName) && subscriber.BirthDate == patient.BirthDate
            && Same(subscriber.Sex, patient.Sex) && sameAddress
            ? null
            : "the patient is the subscriber (relationship Self), so the X12 file sends the subscriber's name, birth date, sex and address; the patient's must be the same as coverage.subscriber's";
    }

    /// <summary>
    /// What keeps a provider's name from NM1: an organisation's name is NM103 (at most 60 characters); a person's
    /// "Last, First" is NM103 and NM104, each checked on its own, or null.
    /// </summary>
    internal static string? ProviderNameProblem(string name, bool isOrganization) =>
        isOrganization ? Text(name, 60) : Text(name, 60 + 2 + 35) ?? PersonNameProblem(name);

    /// <summary>What keeps a person's "Last, First" name from NM103 (1 to 60 characters) and NM104 (at most 35), or null.</summary>
    internal static string? PersonNameProblem(string name) => SplitPersonName(name) switch
    {
        ({ Length: 0 }, _) => "a person's name needs a last name before the comma",
        ({ Length: > 60 } last, _) => $"a person's last name (before the comma) is at most 60 characters, found {last.Length}",
        (_, { Length: > 35 } first) => $"a person's first name (after the comma) is at most 35 characters, found {first.Length}",
        _ => null,
    };

    /// <summary>
    /// What keeps an address's second line from N302 (1 to 55 characters, the basic character set), or null. Absent
    /// (null) is fine; an empty or blank line is refused rather than dropped, since it is most likely a field mapped wrong.
    /// </summary>
    private static string? SecondLineProblem(string? line2) => line2 switch
    {
        null => null,
        _ when string.IsNullOrWhiteSpace(line2) => "must not be empty or blank; leave line2 out when the address has no second line",
        _ => Text(line2, 55),
    };

    private static bool IsPostOfficeBox(string street)
    {
        var letters = new string([.. street.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant)]);
        return letters.StartsWith("POBOX", StringComparison.Ordinal) || letters.StartsWith("POSTOFFICEBOX", StringComparison.Ordinal) || letters.StartsWith("LOCKBOX", StringComparison.Ordinal);
    }

    /// <summary>
    /// What is wrong with a text the 837P carries: required, its length, and only the X12 basic character set — letters
    /// (lower case too: names and addresses are written in upper case, identifiers as given), digits, space and
    /// <c>! " &amp; ' ( ) + , - . / ; ? =</c>. The position of a character outside it is named, not the character or the
    /// text: names, addresses and member ids are patient data.
    /// </summary>
    internal static string? Text(string? value, int maxLength, bool required = true, int minLength = 1)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? "required" : null;
        }

        if (value.Length > maxLength || value.Trim().Length < minLength)
        {
            return $"{(minLength > 1 ? $"{minLength} to {maxLength}" : $"at most {maxLength}")} characters, found {value.Length}";
        }

        var bad = value.AsSpan().IndexOfAnyExcept(X12BasicCharacters);
        return bad < 0 ? null
            : string.Create(CultureInfo.InvariantCulture, $"character {bad + 1} is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)");
    }

    private static readonly System.Buffers.SearchValues<char> X12BasicCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 !\"&'()+,-./;?=");
}
