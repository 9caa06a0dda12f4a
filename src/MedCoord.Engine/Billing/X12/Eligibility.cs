using System.Globalization;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Engine.Billing.X12;

/// <summary>An eligibility inquiry: whose coverage, asked by which provider, for which services on which date.</summary>
/// <param name="Coverage">The coverage asked about (payer, member id, subscriber).</param>
/// <param name="Patient">The patient: the subscriber, or a dependent (then the 270 carries a 2000D dependent loop).</param>
/// <param name="Provider">The information receiver (2100B): NPI, name and tax id.</param>
/// <param name="ServiceTypes">Service type codes (EQ01), for example 30 (health benefit plan coverage) or 98 (office visit).</param>
/// <param name="DateOfService">The date asked about (DTP*291).</param>
public sealed record EligibilityInquiry(Coverage Coverage, Person Patient, ClaimProvider Provider, IReadOnlyList<string> ServiceTypes, LocalDate DateOfService);

/// <summary>
/// Writes a 270 eligibility inquiry (005010X279A1): ISA/GS*HS/ST … SE/GE/IEA; 2100A payer (NM1*PR with PI), 2100B
/// information receiver (NM1*1P with the NPI), 2000C subscriber with TRN*1 (the coverage id as trace number, so that
/// the 271 comes back to it), NM1*IL with the member id, DMG, DTP*291 and one EQ per service type — or, when the
/// patient is a dependent, the subscriber's name and member id only, and a 2000D dependent loop (TRN, NM1*03, DMG,
/// DTP*291, EQ).
/// Thread safe.
/// </summary>
public static class EligibilityInquiryWriter
{
    /// <summary>Every problem that keeps the inquiry from a 270, each naming its path; empty when none.</summary>
    /// <param name="inquiry">The inquiry.</param>
    /// <param name="envelope">Sender, receiver and control number.</param>
    /// <returns>The problems.</returns>
    public static IReadOnlyList<ValidationError> Problems(EligibilityInquiry inquiry, X12Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(inquiry);
        ArgumentNullException.ThrowIfNull(envelope);
        var errors = new List<ValidationError>();
        void Add(string path, string? problem)
        {
            if (problem is not null)
            {
                errors.Add(new(path, problem));
            }
        }

        // The lengths of the elements each value fills (ISA06/GS02 2 to 15, NM109 2 to 80, TRN02 at most 50, NM103 60,
        // NM104 35) and the claim file's character set: the X12 basic set and lower-case letters, no control characters.
        void Text(string path, string? value, int max, int min = 1) => Add(path, ClaimValidator.Text(value, max, minLength: min));

        Text("envelope.senderId", envelope.SenderId, 15, 2);
        Text("envelope.receiverId", envelope.ReceiverId, 15, 2);
        if (envelope.ControlNumber is < 1 or > 999_999_999)
        {
            errors.Add(new("envelope.controlNumber", $"must be from 1 to 999999999, found {envelope.ControlNumber}"));
        }

        var coverage = inquiry.Coverage;
        if (coverage is null)
        {
            errors.Add(new("coverage", "required"));
            return errors;
        }

        Text("coverage.id", coverage.Id, 50);
        if (coverage.Id is { Length: > 0 } trace && trace.Trim().Length != trace.Length)
        {
            // TRN02 is the trace number the 271 echoes: it is sent as it is, so it may not begin or end with a space.
            errors.Add(new("coverage.id", "must not begin or end with a space (it is the trace number, TRN02)"));
        }

        Text("coverage.payerId", coverage.PayerId, 80, 2);
        Text("coverage.payerName", coverage.PayerName, 60);
        Text("coverage.memberId", coverage.MemberId, 80, 2);
        foreach (var (path, person) in new[] { ("coverage.subscriber", coverage.Subscriber), ("patient", inquiry.Patient) })
        {
            if (person is null)
            {
                errors.Add(new(path, "required"));
                continue;
            }

            Text($"{path}.lastName", person.LastName, 60);
            Text($"{path}.firstName", person.FirstName, 35);
            if (person.Sex is not ("F" or "M" or "U"))
            {
                errors.Add(new($"{path}.sex", "must be F, M or U"));
            }
        }

        if (inquiry.Patient is not null && coverage.Subscriber is not null && (coverage.Relationship == SubscriberRelationship.Self) != (inquiry.Patient.Id == coverage.Subscriber.Id))
        {
            errors.Add(new("patient", "the patient must be the subscriber exactly when the coverage's relationship is self"));
        }
        else if (inquiry.Patient is not null && coverage.Subscriber is not null && coverage.Relationship == SubscriberRelationship.Self
            && ClaimValidator.SelfPatientProblem(coverage.Subscriber, inquiry.Patient) is { } different)
        {
            errors.Add(new("patient", different));
        }

        if (inquiry.Provider is null)
        {
            errors.Add(new("provider", "required"));
        }
        else
        {
            Add("provider.name", ClaimValidator.ProviderNameProblem(inquiry.Provider.Name, inquiry.Provider.IsOrganization));
            if (!ClaimValidator.IsValidNpi(inquiry.Provider.Npi))
            {
                errors.Add(new("provider.npi", $"'{inquiry.Provider.Npi}' is not a valid NPI (ten digits with a Luhn check digit)"));
            }

            if (inquiry.Provider.TaxId is not { Length: 9 } tax || !tax.All(char.IsAsciiDigit))
            {
                errors.Add(new("provider.taxId", "a 9-digit employer identification number is required (it identifies who assigned the trace number, TRN03)"));
            }
        }

        var types = inquiry.ServiceTypes ?? [];
        if (types.Count is 0 or > 99)
        {
            errors.Add(new("serviceTypes", $"1 to 99 service type codes, found {types.Count}"));
        }

        for (var i = 0; i < types.Count; i++)
        {
            if (types[i] is not { Length: 1 or 2 } code || !code.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c)))
            {
                errors.Add(new($"serviceTypes[{i}]", "a service type code is 1 or 2 upper-case letters or digits (for example 30 or 98)"));
            }
            else if (!X12CodeLists.ServiceTypes.Contains(code))
            {
                errors.Add(new($"serviceTypes[{i}]", $"'{code}' is not a service type code of 005010X279A1 (EQ01)"));
            }
        }

        return errors;
    }

    /// <summary>The 270 file.</summary>
    /// <param name="inquiry">A valid inquiry.</param>
    /// <param name="envelope">Sender, receiver and control number.</param>
    /// <param name="createdAt">When the file is created.</param>
    /// <returns>The file's text, one segment a line.</returns>
    /// <exception cref="ValidationException">The inquiry or envelope is invalid: every problem, each with its path.</exception>
    public static string Write(EligibilityInquiry inquiry, X12Envelope envelope, ZonedDateTime createdAt)
    {
        if (Problems(inquiry, envelope) is { Count: > 0 } problems)
        {
            throw new ValidationException(problems, "270 input", nameof(inquiry));
        }

        var at = createdAt.LocalDateTime;
        var coverage = inquiry.Coverage;
        var dependent = coverage.Relationship != SubscriberRelationship.Self;
        var service = X12Segments.Date(inquiry.DateOfService);
        var provider = inquiry.Provider;
        var (last, first) = provider.IsOrganization ? (provider.Name, string.Empty) : ClaimValidator.SplitPersonName(provider.Name);
        var body = new List<string>
        {
            X12Segments.Segment("BHT", "0022", "13", X12Segments.ControlNumber(envelope.ControlNumber), X12Segments.Date(at.Date), X12Segments.Time(at)),
            X12Segments.Segment("HL", "1", string.Empty, "20", "1"),
            X12Segments.Segment("NM1", "PR", "2", Up(coverage.PayerName), string.Empty, string.Empty, string.Empty, string.Empty, "PI", coverage.PayerId),
            X12Segments.Segment("HL", "2", "1", "21", "1"),
            X12Segments.Segment("NM1", "1P", provider.IsOrganization ? "2" : "1", Up(last), Up(first), string.Empty, string.Empty, string.Empty, "XX", provider.Npi),
            X12Segments.Segment("HL", "3", "2", "22", dependent ? "1" : "0"),
        };
        var trace = X12Segments.Segment("TRN", "1", coverage.Id, "1" + provider.TaxId);
        if (!dependent)
        {
            body.Add(trace);
        }

        body.Add(X12Segments.Segment("NM1", "IL", "1", Up(coverage.Subscriber.LastName), Up(coverage.Subscriber.FirstName), string.Empty, string.Empty, string.Empty, "MI", coverage.MemberId));
        if (!dependent)
        {
            Patient(body, coverage.Subscriber, service, inquiry.ServiceTypes);
        }
        else
        {
            body.Add(X12Segments.Segment("HL", "4", "3", "23", "0"));
            body.Add(trace);
            body.Add(X12Segments.Segment("NM1", "03", "1", Up(inquiry.Patient.LastName), Up(inquiry.Patient.FirstName)));
            Patient(body, inquiry.Patient, service, inquiry.ServiceTypes);
        }

        return X12Segments.Interchange(envelope.SenderId, envelope.ReceiverId, envelope.ControlNumber, envelope.Production, at, "HS", "270", "005010X279A1", body);
    }

    private static void Patient(List<string> body, Person person, string service, IReadOnlyList<string> serviceTypes)
    {
        body.Add(X12Segments.Segment("DMG", "D8", X12Segments.Date(person.BirthDate), person.Sex));
        body.Add(X12Segments.Segment("DTP", "291", "D8", service));
        body.AddRange(serviceTypes.Select(type => X12Segments.Segment("EQ", type)));
    }

    private static string Up(string value) => value.ToUpperInvariant();
}

/// <summary>An AAA rejection in a 271: the request could not be answered, and why.</summary>
/// <param name="Position">The AAA's segment number.</param>
/// <param name="Loop">Where: payer (2100A), information receiver (2100B), subscriber (2100C), dependent (2100D) or a benefit (2110C/2110D).</param>
/// <param name="Code">AAA03, the reject reason code (for example 72 invalid or missing subscriber id).</param>
/// <param name="FollowUp">AAA04, the follow-up action code (C correct and resubmit, N do not resubmit, R resubmission allowed, ...).</param>
/// <param name="Description">What the code means.</param>
public sealed record EligibilityRejection(int Position, string Loop, string Code, string FollowUp, string Description)
{
    /// <inheritdoc />
    public override string ToString() => $"AAA {Code} ({Description}) in loop {Loop}{(FollowUp.Length > 0 ? $", follow-up {FollowUp}" : string.Empty)}";
}

/// <summary>One EB segment of a 271: a benefit, for a coverage level, service types and network.</summary>
/// <param name="Position">The EB's segment number.</param>
/// <param name="Code">EB01 (1 active coverage, 6 inactive, A coinsurance, B copay, C deductible, G out of pocket, ...).</param>
/// <param name="CoverageLevel">EB02 (IND individual, FAM family, ...), or empty.</param>
/// <param name="ServiceTypes">EB03, each repetition (for example 30, 98).</param>
/// <param name="TimePeriod">EB06 (23 calendar year, 29 remaining, 27 visit, 24 year to date, ...), or empty.</param>
/// <param name="Amount">EB07, when given.</param>
/// <param name="Percent">EB08 as a percentage (0.2 is 20), when given.</param>
/// <param name="AuthorizationRequired">EB11: Y true, N false, otherwise null.</param>
/// <param name="Network">EB12: Y in network, N out of network, W both, U unknown, or empty.</param>
/// <param name="ProcedureCode">EB13-2, the procedure the benefit is about, or empty.</param>
public sealed record BenefitEntry(int Position, string Code, string CoverageLevel, IReadOnlyList<string> ServiceTypes, string TimePeriod, decimal? Amount, decimal? Percent,
    bool? AuthorizationRequired, string Network, string ProcedureCode)
{
    /// <summary>Gets whether the benefit holds in network (EB12 Y, W or not given).</summary>
    public bool InNetwork => Network is "Y" or "W" or "";
}

/// <summary>
/// What a 271 answer states about a deductible or an out-of-pocket maximum. A part is null when the answer neither
/// states it nor states the two it follows from: never a zero the payer did not say.
/// </summary>
/// <param name="Amount">The amount for the benefit period: EB07 with EB06 23 calendar year, 22 service year, 25 contract or 32 lifetime.</param>
/// <param name="Met">
/// What is used so far: when the amount and what is left are both stated, the amount − what is left (0 when what is
/// left is more, with a warning; a year-to-date amount is then not used); otherwise EB07 with EB06 24 year to date.
/// </param>
/// <param name="Remaining">
/// What is left: EB07 with EB06 29 remaining or 33 lifetime remaining, as stated; otherwise, when the amount and what
/// is met are both stated, the amount − what is met (0 when what is met is more, with a warning).
/// </param>
public sealed record StatedAccumulator(decimal? Amount, decimal? Met, decimal? Remaining)
{
    /// <summary>
    /// This merged with what was known: the amount stated, else <paramref name="current"/>'s, else 0; what is met,
    /// when the amount is not stated but what is left is, that amount − what is left (not below 0, and 0 with no
    /// <paramref name="current"/>), else <see cref="Met"/>, else <paramref name="current"/>'s, else 0; never above the amount.
    /// </summary>
    /// <param name="current">The accumulator known before, or null.</param>
    /// <returns>The accumulator.</returns>
    public Accumulator ToAccumulator(Accumulator? current = null)
    {
        var amount = Amount ?? current?.Amount ?? 0;
        var met = Amount is null && Remaining is { } left ? Math.Max(0, amount - left) : Met ?? current?.Met ?? 0;

        // A met above the amount (the payer's, with its warning) is all of it: nothing is left, as for a claim file.
        return new Accumulator(amount, Math.Min(met, amount));
    }
}

/// <summary>
/// What one 271 answer states about the benefits (<see cref="EligibilityResponse.Stated"/>), before anything known is
/// merged in: every amount the payer did not state is null (copays and prior authorisations not stated are absent).
/// </summary>
/// <param name="Deductible">The deductible (EB01 C).</param>
/// <param name="OutOfPocketMaximum">The out-of-pocket maximum (EB01 G).</param>
/// <param name="CoinsurancePercent">The coinsurance (EB01 A, EB08) as a percentage, 0 to 100; null when not stated.</param>
/// <param name="Copays">The copays stated (EB01 B), per copay category.</param>
/// <param name="PriorAuthorization">The procedure codes stated to need a prior authorisation (EB11 Y with EB13).</param>
/// <param name="Warnings">
/// The payer's amounts that do not agree, each naming its EB segments and holding amounts only (never patient data),
/// for example <c>segment 14 (EB): deductible remaining 800.00 is more than the amount 500.00 (segment 12); met taken as 0</c>.
/// </param>
public sealed record StatedBenefits(
    StatedAccumulator Deductible,
    StatedAccumulator OutOfPocketMaximum,
    decimal? CoinsurancePercent,
    IReadOnlyDictionary<string, decimal> Copays,
    IReadOnlyList<string> PriorAuthorization,
    IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// The benefits as the engine keeps them: what is stated replaces what <paramref name="current"/> holds, the rest
    /// comes from it (or is zero; copays count toward the out-of-pocket maximum but not the deductible when there is no
    /// <paramref name="current"/>): accumulators by <see cref="StatedAccumulator.ToAccumulator"/>, coinsurance, each copay
    /// category stated, and prior authorisations added to those known.
    /// </summary>
    /// <param name="current">The benefits known before, or null.</param>
    /// <returns>The benefits.</returns>
    public Benefits ToBenefits(Benefits? current = null)
    {
        var copays = new Dictionary<string, decimal>(current?.Copays ?? new Dictionary<string, decimal>(), StringComparer.Ordinal);
        foreach (var (category, amount) in Copays)
        {
            copays[category] = amount;
        }

        return new Benefits(copays, Deductible.ToAccumulator(current?.Deductible), CoinsurancePercent ?? current?.CoinsurancePercent ?? 0, OutOfPocketMaximum.ToAccumulator(current?.OutOfPocketMaximum),
            [.. (current?.PriorAuthorization ?? []).Concat(PriorAuthorization).Distinct(StringComparer.Ordinal)], current?.CopayCountsTowardDeductible ?? false, current?.CopayCountsTowardOutOfPocket ?? true);
    }
}

/// <summary>
/// One subscriber's or dependent's answer in a 271 (005010X279A1), with the rejections of the loops above it. Its
/// benefits are what it states (<see cref="Stated"/>) and become the engine's <see cref="Benefits"/>: <see cref="ToBenefits"/> and <see cref="ApplyTo"/>.
/// </summary>
/// <param name="Position">The HL's segment number.</param>
/// <param name="Trace">TRN02 of the 270 echoed back (the coverage id the inquiry was written for), or empty.</param>
/// <param name="PayerId">The payer (2100A NM109).</param>
/// <param name="IsDependent">Whether the answer is for a dependent (2000D).</param>
/// <param name="PlanBegin">DTP*346 or the start of DTP*291/307 (plan dates), when given.</param>
/// <param name="PlanEnd">DTP*347 or the end of DTP*291/307, when given.</param>
/// <param name="Benefits">The EB segments.</param>
/// <param name="Rejections">The AAA rejections of this answer and of the loops above it.</param>
public sealed record EligibilityResponse(int Position, string Trace, string PayerId, bool IsDependent, LocalDate? PlanBegin, LocalDate? PlanEnd,
    IReadOnlyList<BenefitEntry> Benefits, IReadOnlyList<EligibilityRejection> Rejections)
{
    /// <summary>The service-type categories copays are filed under by default (a code not listed is its own category).</summary>
    public static IReadOnlyDictionary<string, string> DefaultCategories { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["98"] = "office-visit", ["1"] = "medical-care", ["4"] = "imaging", ["5"] = "lab", ["33"] = "chiropractic", ["86"] = "emergency",
        ["88"] = "pharmacy", ["MH"] = "mental-health", ["UC"] = "urgent-care", ["AL"] = "vision",
    };

    /// <summary>Gets whether coverage is active (an EB01 of 1 to 5), inactive (only 6, 7 or 8), or unknown (null: no such EB, for example a rejection).</summary>
    public bool? Active =>
        Benefits.Any(b => b.Code is "1" or "2" or "3" or "4" or "5") ? true
        : Benefits.Any(b => b.Code is "6" or "7" or "8") ? false
        : null;

    /// <summary>The services (procedure codes, or service types as <c>ST:</c> code) that need a prior authorisation (EB11 = Y).</summary>
    public IReadOnlyList<string> AuthorizationRequired =>
        [.. Benefits.Where(b => b.AuthorizationRequired == true).SelectMany(b => b.ProcedureCode.Length > 0 ? [b.ProcedureCode] : b.ServiceTypes.Select(t => $"ST:{t}")).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// What this answer states about the benefits, with nothing filled in: from the in-network (EB12 Y, W or absent),
    /// individual (EB02 IND or absent) EB segments, those for service type 30 (or none) first: the deductible (C) and
    /// out-of-pocket maximum (G), each as its amount from EB06 23 calendar year (or 22 service year, 25 contract, 32
    /// lifetime), what is left from 29 remaining (33 lifetime remaining) and what is met from 24 year to date (see
    /// <see cref="StatedAccumulator"/>); coinsurance (A) from EB08; copays (B) per service type, filed under
    /// <paramref name="categories"/>; procedure codes needing a prior authorisation (EB11 Y with EB13); and a warning,
    /// naming the EB segments, for each amount left or met that is more than its amount.
    /// </summary>
    /// <param name="categories">Service type code → copay category; <see cref="DefaultCategories"/> when null.</param>
    /// <returns>What the answer states.</returns>
    public StatedBenefits Stated(IReadOnlyDictionary<string, string>? categories = null)
    {
        categories ??= DefaultCategories;
        var usable = Benefits.Where(b => b.InNetwork && b.CoverageLevel is "IND" or "").OrderBy(b => b.ServiceTypes.Count == 0 || b.ServiceTypes.Contains("30") ? 0 : 1).ToList();
        var warnings = new List<string>();
        StatedAccumulator Accumulate(string code, string name)
        {
            var of = usable.Where(b => b.Code == code && b.Amount is not null).ToList();
            var period = of.FirstOrDefault(b => b.TimePeriod is "23" or "22" or "25" or "32");
            var remaining = of.FirstOrDefault(b => b.TimePeriod is "29" or "33");
            var met = of.FirstOrDefault(b => b.TimePeriod == "24");
            if (period?.Amount is not { } amount)
            {
                return new StatedAccumulator(null, met?.Amount, remaining?.Amount);
            }

            var amountAt = period.Position;
            void Warn(BenefitEntry part, string what, decimal value, string taken)
            {
                if (value > amount)
                {
                    warnings.Add(string.Create(CultureInfo.InvariantCulture,
                        $"segment {part.Position} (EB): {name} {what} {value:0.00} is more than the amount {amount:0.00} (segment {amountAt}); {taken} taken as 0"));
                }
            }

            // What is left, when stated, gives what is met (a year-to-date amount is then not used); else what is met gives what is left.
            if (remaining?.Amount is { } left)
            {
                Warn(remaining, "remaining", left, "met");
                return new StatedAccumulator(amount, Math.Max(0, amount - left), left);
            }

            if (met?.Amount is { } used)
            {
                Warn(met, "met", used, "remaining");
                return new StatedAccumulator(amount, used, Math.Max(0, amount - used));
            }

            return new StatedAccumulator(amount, null, null);
        }

        var deductible = Accumulate("C", "deductible");
        var outOfPocket = Accumulate("G", "out-of-pocket maximum");
        var copays = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var copay in usable.Where(b => b.Code == "B" && b.Amount is not null).Reverse())
        {
            foreach (var type in copay.ServiceTypes.Where(t => t != "30"))
            {
                copays[categories.GetValueOrDefault(type, type)] = copay.Amount!.Value;
            }
        }

        return new StatedBenefits(deductible, outOfPocket, usable.FirstOrDefault(b => b.Code == "A" && b.Percent is not null)?.Percent, copays.AsReadOnly(),
            [.. Benefits.Where(b => b.AuthorizationRequired == true && b.ProcedureCode.Length > 0).Select(b => b.ProcedureCode).Distinct(StringComparer.Ordinal)], [.. warnings]);
    }

    /// <summary>
    /// The benefits as the engine keeps them: what the answer states (<see cref="Stated"/>) merged with
    /// <paramref name="current"/> (<see cref="StatedBenefits.ToBenefits"/>); what the answer does not state comes from
    /// <paramref name="current"/>, or is zero.
    /// </summary>
    /// <param name="current">The benefits known before, or null.</param>
    /// <param name="categories">Service type code → copay category; <see cref="DefaultCategories"/> when null.</param>
    /// <returns>The benefits.</returns>
    public Benefits ToBenefits(Benefits? current = null, IReadOnlyDictionary<string, string>? categories = null) => Stated(categories).ToBenefits(current);

    /// <summary>The coverage with this answer's benefits (<see cref="ToBenefits"/>) and plan dates.</summary>
    /// <param name="coverage">The coverage the inquiry was about.</param>
    /// <param name="categories">Service type code → copay category; <see cref="DefaultCategories"/> when null.</param>
    /// <returns>The updated coverage.</returns>
    public Coverage ApplyTo(Coverage coverage, IReadOnlyDictionary<string, string>? categories = null)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        return coverage with
        {
            Benefits = ToBenefits(coverage.Benefits, categories),
            EffectiveFrom = PlanBegin ?? coverage.EffectiveFrom,
            EffectiveTo = PlanEnd ?? coverage.EffectiveTo,
        };
    }
}

/// <summary>Reads 271 eligibility responses (005010X279A1): one answer per subscriber or dependent loop, AAA rejections by their codes. Thread safe.</summary>
public static class EligibilityResponseReader
{
    private static readonly Dictionary<string, string> RejectReasons = new(StringComparer.Ordinal)
    {
        ["04"] = "authorized quantity exceeded", ["15"] = "required application data missing", ["41"] = "authorization/access restrictions",
        ["42"] = "unable to respond at current time", ["43"] = "invalid/missing provider identification", ["44"] = "invalid/missing provider name",
        ["45"] = "invalid/missing provider specialty", ["46"] = "invalid/missing provider phone number", ["47"] = "invalid/missing provider state",
        ["48"] = "invalid/missing referring provider identification number", ["49"] = "provider is not primary care physician",
        ["50"] = "provider ineligible for inquiries", ["51"] = "provider not on file", ["52"] = "service dates not within provider plan enrollment",
        ["53"] = "inquired benefit inconsistent with provider type", ["54"] = "inappropriate product/service id qualifier", ["55"] = "inappropriate product/service id",
        ["56"] = "inappropriate date", ["57"] = "invalid/missing date(s) of service", ["58"] = "invalid/missing date of birth",
        ["60"] = "date of birth follows date(s) of service", ["61"] = "date of death precedes date(s) of service",
        ["62"] = "date of service not within allowable inquiry period", ["63"] = "date of service in future", ["64"] = "invalid/missing patient id",
        ["65"] = "invalid/missing patient name", ["66"] = "invalid/missing patient gender code", ["67"] = "patient not found", ["68"] = "duplicate patient id number",
        ["69"] = "inconsistent with patient's age", ["70"] = "inconsistent with patient's gender", ["71"] = "patient birth date does not match that for the patient on the database",
        ["72"] = "invalid/missing subscriber/insured id", ["73"] = "invalid/missing subscriber/insured name", ["74"] = "invalid/missing subscriber/insured gender code",
        ["75"] = "subscriber/insured not found", ["76"] = "duplicate subscriber/insured id number", ["77"] = "subscriber found, patient not found",
        ["78"] = "subscriber/insured not in group/plan identified", ["79"] = "invalid participant identification", ["80"] = "no response received, transaction terminated",
        ["97"] = "invalid or missing provider address", ["T4"] = "payer name or identifier missing",
    };

    /// <summary>Reads every 271 of an interchange.</summary>
    /// <param name="interchange">The interchange.</param>
    /// <returns>The answers (an answer with only rejections when the payer or receiver loop was rejected), or every problem found.</returns>
    public static (IReadOnlyList<EligibilityResponse> Responses, IReadOnlyList<ValidationError> Errors) Read(X12Interchange interchange)
    {
        ArgumentNullException.ThrowIfNull(interchange);
        var errors = new List<ValidationError>();
        var result = new List<EligibilityResponse>();
        foreach (var set in X12Transactions.Of(interchange, "271", "an eligibility response", errors))
        {
            var upper = new List<EligibilityRejection>();
            var payerId = string.Empty;
            var level = string.Empty;
            EligibilityResponse? current = null;
            var inBenefit = false;
            void Flush()
            {
                if (current is not null)
                {
                    result.Add(current with { Rejections = [.. upper, .. current.Rejections] });
                    current = null;
                }
            }

            foreach (var s in set.Body)
            {
                switch (s.Id)
                {
                    case "HL":
                        Flush();
                        level = s[3];
                        inBenefit = false;
                        if (level is not ("20" or "21" or "22" or "23"))
                        {
                            errors.Add(s.Error("HL03 must be 20 (payer), 21 (information receiver), 22 (subscriber) or 23 (dependent)"));
                        }
                        else if (level is "22" or "23")
                        {
                            current = new EligibilityResponse(s.Position, string.Empty, payerId, level == "23", null, null, [], []);
                        }

                        break;
                    case "NM1" when level == "20" && s[1] == "PR":
                        payerId = s[9];
                        break;
                    case "TRN" when current is not null && s[1] == "2" && current.Trace.Length == 0:
                        current = current with { Trace = s[2] };
                        break;
                    case "DTP" when current is not null && !inBenefit:
                        current = Dates(current, s, errors);
                        break;
                    case "EB" when current is not null:
                        inBenefit = true;
                        if (Benefit(s, errors) is { } benefit)
                        {
                            current = current with { Benefits = [.. current.Benefits, benefit] };
                        }

                        break;
                    case "AAA":
                        var loop = level switch
                        {
                            "20" => "2100A",
                            "21" => "2100B",
                            "22" => inBenefit ? "2110C" : "2100C",
                            "23" => inBenefit ? "2110D" : "2100D",
                            _ => "2000A",
                        };
                        var rejection = new EligibilityRejection(s.Position, loop, X12Transactions.Required(s, 3, errors), s[4], RejectReasons.GetValueOrDefault(s[3], "reject reason"));
                        if (current is null)
                        {
                            upper.Add(rejection);
                        }
                        else
                        {
                            current = current with { Rejections = [.. current.Rejections, rejection] };
                        }

                        break;
                }
            }

            Flush();
            if (!result.Any() && upper.Count > 0)
            {
                result.Add(new EligibilityResponse(set.Segments[0].Position, string.Empty, payerId, false, null, null, [], upper));
            }
        }

        return errors.Count > 0 ? ([], errors) : (result, []);
    }

    private static EligibilityResponse Dates(EligibilityResponse response, X12Segment dtp, List<ValidationError> errors)
    {
        if (dtp[1] is not ("346" or "347" or "291" or "307" or "356" or "357"))
        {
            return response;
        }

        var parts = dtp[2] == "RD8" ? dtp[3].Split('-') : [dtp[3]];
        var dates = parts.Select(X12Reader.Date).ToList();
        if (dtp[2] is not ("D8" or "RD8") || dates.Any(d => d is null) || (dtp[2] == "RD8" && dates.Count != 2))
        {
            errors.Add(dtp.Error("DTP03 is not a date (D8, CCYYMMDD) or a date range (RD8, CCYYMMDD-CCYYMMDD) as DTP02 says"));
            return response;
        }

        return dtp[1] switch
        {
            "346" or "356" => response with { PlanBegin = dates[0] },
            "347" or "357" => response with { PlanEnd = dates[0] },
            _ when dates.Count == 2 => response with { PlanBegin = dates[0], PlanEnd = dates[1] },
            _ => response,
        };
    }

    private static BenefitEntry? Benefit(X12Segment eb, List<ValidationError> errors)
    {
        var before = errors.Count;
        var code = X12Transactions.Required(eb, 1, errors);
        decimal? amount = eb[7].Length > 0 ? X12Transactions.Money(eb, 7, errors) : null;
        if (amount < 0)
        {
            errors.Add(eb.Error("EB07 (a benefit amount) is negative"));
        }

        decimal? percent = eb[8].Length > 0 ? X12Transactions.Amount(eb, 8, errors) : null;
        if (percent is < 0 or > 1)
        {
            errors.Add(eb.Error("EB08 is a fraction from 0 to 1 (0.2 is 20 percent)"));
        }

        if (eb[11] is not ("" or "Y" or "N" or "U"))
        {
            errors.Add(eb.Error("EB11 must be Y, N or U"));
        }

        if (eb[12] is not ("" or "Y" or "N" or "U" or "W"))
        {
            errors.Add(eb.Error("EB12 must be Y, N, U or W"));
        }

        return errors.Count > before ? null : new BenefitEntry(eb.Position, code, eb[2], eb.Repetitions(3), eb[6], amount, percent * 100, eb[11] switch { "Y" => true, "N" => false, _ => null },
            eb[12], eb.Component(13, 2));
    }
}
