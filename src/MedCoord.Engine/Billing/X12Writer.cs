using System.Globalization;
using System.Text;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Engine.Billing;

/// <summary>Who sends an 837 file to whom, and its control numbers.</summary>
/// <param name="SenderId">The submitter's id (ISA06, GS02, 1000A NM109), 2 to 15 characters.</param>
/// <param name="SenderName">The submitter's name (1000A).</param>
/// <param name="ContactName">The submitter's contact (1000A PER).</param>
/// <param name="ContactPhone">The contact's phone number, digits only.</param>
/// <param name="ReceiverId">The receiver's id (ISA08, GS03, 1000B NM109), 2 to 15 characters.</param>
/// <param name="ReceiverName">The receiver's name (1000B).</param>
/// <param name="ControlNumber">The interchange control number (ISA13/IEA02), 1 to 999,999,999; the group (GS06/GE02) and transaction set (ST02/SE02) numbers derive from it.</param>
/// <param name="Production">True for production data (ISA15 = P), false for test data (T).</param>
public sealed record X12Envelope(string SenderId, string SenderName, string ContactName, string ContactPhone, string ReceiverId, string ReceiverName, int ControlNumber, bool Production);

/// <summary>
/// Writes professional claims as an X12 837P file (005010X222A1), following the guide's situational rules:
/// ISA/GS/ST … SE/GE/IEA with matching control numbers and counts; 1000A submitter and 1000B receiver; per billing
/// provider a 2000A/2010AA (NPI, street address with ZIP+4, EIN); per claim a 2000B subscriber (SBR with the payer
/// responsibility sequence, SBR02 18 only when the patient is the subscriber, SBR09 the coverage's claim filing
/// indicator) with 2010BA (N3, N4 and DMG only when the patient is the subscriber) and 2010BB (payer); a 2000C with PAT
/// and 2010CA when the patient is not the subscriber; the 2300 claim (CLM with the frequency code, REF*G1 prior
/// authorisation, REF*F8 the payer's claim number for a replacement or void, HI, 2310B rendering provider when not the
/// billing provider, 2320/2330A/2330B per earlier payer with its paid amount and adjustments) and a 2400 per line (LX,
/// SV1 with the place of service only when it differs from the claim's, DTP*472, REF*G1 when the line's authorisation
/// differs from the claim's, 2430 per earlier payer's line decision). Segments end with <c>~</c> and a line break.
/// Only valid claims are written, with no date of service after the file's creation date. Thread safe.
/// </summary>
public static class X12Writer
{
    private const string Implementation = "005010X222A1";

    /// <summary>The 837P file for the claims.</summary>
    /// <param name="claims">Valid claims (one or more).</param>
    /// <param name="envelope">Sender, receiver and control number.</param>
    /// <param name="createdAt">When the file is created (ISA09/ISA10, GS04/GS05, BHT04/BHT05): from the host's clock.</param>
    /// <param name="codeSets">Loaded code tables, if any (used when validating).</param>
    /// <returns>The file's text.</returns>
    /// <exception cref="ValidationException">A claim or the envelope is invalid: every problem, each with its path (<c>claims[0].lines[1].charge</c>).</exception>
    public static string Write(IReadOnlyList<Claim> claims, X12Envelope envelope, ZonedDateTime createdAt, ICodeSetProvider? codeSets = null)
    {
        var problems = Problems(claims, envelope, createdAt, codeSets);
        if (problems.Count > 0)
        {
            throw new ValidationException(problems, "837P input", nameof(claims));
        }

        var local = createdAt.LocalDateTime;
        var body = new List<string>
        {
            X12Segments.Segment("BHT", "0019", "00", X12Segments.ControlNumber(envelope.ControlNumber), X12Segments.Date(local.Date), X12Segments.Time(local), "CH"),
            X12Segments.Segment("NM1", "41", "2", Up(envelope.SenderName), string.Empty, string.Empty, string.Empty, string.Empty, "46", envelope.SenderId),
            X12Segments.Segment("PER", "IC", Up(envelope.ContactName), "TE", envelope.ContactPhone),
            X12Segments.Segment("NM1", "40", "2", Up(envelope.ReceiverName), string.Empty, string.Empty, string.Empty, string.Empty, "46", envelope.ReceiverId),
        };

        var hl = 0;
        foreach (var byBilling in claims.GroupBy(c => c.BillingProvider.Npi, StringComparer.Ordinal))
        {
            var billing = byBilling.First().BillingProvider;
            var billingHl = Number(++hl);
            body.Add(X12Segments.Segment("HL", billingHl, string.Empty, "20", "1"));
            body.Add(Name("85", billing));
            body.AddRange(AddressSegments(billing.Address!));
            body.Add(X12Segments.Segment("REF", "EI", billing.TaxId!));
            foreach (var claim in byBilling)
            {
                var coverage = claim.Coverage;
                var patientIsSubscriber = coverage.Relationship == SubscriberRelationship.Self;
                var subscriberHl = Number(++hl);
                body.Add(X12Segments.Segment("HL", subscriberHl, billingHl, "22", patientIsSubscriber ? "0" : "1"));
                body.Add(X12Segments.Segment("SBR", Sequence((claim.PriorPayers ?? []).Count), patientIsSubscriber ? "18" : string.Empty, coverage.PlanId ?? string.Empty,
                    string.Empty, coverage.MedicareSecondaryType ?? string.Empty, string.Empty, string.Empty, string.Empty, coverage.ClaimFilingIndicator));
                body.Add(PersonName("IL", coverage.Subscriber, "MI", coverage.MemberId));
                if (patientIsSubscriber)
                {
                    body.AddRange(AddressSegments(coverage.Subscriber.Address));
                    body.Add(Demographics(coverage.Subscriber));
                }

                body.Add(X12Segments.Segment("NM1", "PR", "2", Up(coverage.PayerName), string.Empty, string.Empty, string.Empty, string.Empty, "PI", coverage.PayerId));
                if (!patientIsSubscriber)
                {
                    body.Add(X12Segments.Segment("HL", Number(++hl), subscriberHl, "23", "0"));
                    body.Add(X12Segments.Segment("PAT", Relationship(coverage.Relationship)));
                    body.Add(PersonName("QC", claim.Patient, null, null));
                    body.AddRange(AddressSegments(claim.Patient.Address));
                    body.Add(Demographics(claim.Patient));
                }

                body.AddRange(ClaimSegments(claim));
            }
        }

        return X12Segments.Interchange(envelope.SenderId, envelope.ReceiverId, envelope.ControlNumber, envelope.Production, local, "HC", "837", Implementation, body);
    }

    /// <summary>Every problem that keeps the claims and envelope from an 837P file created at a time, each naming its path; empty when none.</summary>
    /// <param name="claims">The claims.</param>
    /// <param name="envelope">The envelope.</param>
    /// <param name="createdAt">When the file would be created: no date of service, decision or birth may come after its date.</param>
    /// <param name="codeSets">Loaded code tables, if any.</param>
    /// <returns>The problems.</returns>
    public static IReadOnlyList<ValidationError> Problems(IReadOnlyList<Claim> claims, X12Envelope envelope, ZonedDateTime createdAt, ICodeSetProvider? codeSets = null)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(envelope);
        var problems = EnvelopeProblems(envelope).ToList();
        if (claims.Count == 0)
        {
            problems.Add(new ValidationError("claims", "at least one claim is needed"));
        }

        for (var i = 0; i < claims.Count; i++)
        {
            problems.AddRange(ClaimValidator.Validate(claims[i], codeSets).Concat(DateProblems(claims[i], createdAt.Date)).Select(p => p with { Path = $"claims[{i}].{p.Path}" }));
        }

        problems.AddRange(claims.GroupBy(c => c.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => new ValidationError("claims", $"id '{g.Key}' is used by {g.Count()} claims")));
        return problems;
    }

    private static IEnumerable<ValidationError> DateProblems(Claim claim, LocalDate created)
    {
        const string After = "after the file's creation date";
        if (claim.Patient is { } patient && patient.BirthDate > created)
        {
            yield return new ValidationError("patient.birthDate", After);
        }

        foreach (var (line, i) in (claim.Lines ?? []).Select((l, i) => (l, i)))
        {
            if (line is not null && line.DateOfService > created)
            {
                yield return new ValidationError($"lines[{i}].dateOfService", After);
            }
        }

        foreach (var (prior, k) in (claim.PriorPayers ?? []).Select((p, k) => (p, k)))
        {
            if (prior is not null && prior.AdjudicatedOn > created)
            {
                yield return new ValidationError($"priorPayers[{k}].adjudicatedOn", After);
            }
        }
    }

    private static IEnumerable<string> ClaimSegments(Claim claim)
    {
        var place = claim.Lines[0].PlaceOfService;
        var frequency = claim.Frequency switch { ClaimFrequency.Replacement => "7", ClaimFrequency.Void => "8", _ => "1" };
        yield return X12Segments.Segment("CLM", claim.Id, X12Segments.Amount(claim.TotalCharge), string.Empty, string.Empty, $"{place}:B:{frequency}", "Y", "A", "Y", "Y");
        var authorizations = claim.Lines.Select(l => SubmissionRules.AuthorizationFor(claim.Coverage, l)?.Number).ToList();
        var claimAuthorization = authorizations.FirstOrDefault(a => a is not null);
        if (claimAuthorization is not null)
        {
            yield return X12Segments.Segment("REF", "G1", claimAuthorization);
        }

        if (claim.Frequency != ClaimFrequency.Original)
        {
            yield return X12Segments.Segment("REF", "F8", claim.PayerClaimNumber!);
        }

        yield return X12Segments.Segment("HI", [.. claim.Diagnoses.Select((d, i) => $"{(i == 0 ? "ABK" : "ABF")}:{Codes.Normalize(CodeSystem.Icd10Cm, d)}")]);
        if (claim.RenderingProvider is { } rendering && rendering.Npi != claim.BillingProvider.Npi)
        {
            yield return Name("82", rendering);
        }

        var priors = claim.PriorPayers ?? [];
        for (var k = 0; k < priors.Count; k++)
        {
            foreach (var segment in PriorPayerSegments(priors[k], Sequence(k)))
            {
                yield return segment;
            }
        }

        for (var i = 0; i < claim.Lines.Count; i++)
        {
            var line = claim.Lines[i];
            yield return X12Segments.Segment("LX", Number(i + 1));
            yield return X12Segments.Segment("SV1", Procedure(line), X12Segments.Amount(line.Charge), "UN", X12Segments.Amount(line.Units),
                line.PlaceOfService != place ? line.PlaceOfService : string.Empty, string.Empty,
                string.Join(":", line.DiagnosisPointers.Select(Number)));
            yield return X12Segments.Segment("DTP", "472", "D8", X12Segments.Date(line.DateOfService));
            if (authorizations[i] is { } lineAuthorization && lineAuthorization != claimAuthorization)
            {
                yield return X12Segments.Segment("REF", "G1", lineAuthorization);
            }

            foreach (var prior in priors)
            {
                if (prior.Lines.FirstOrDefault(d => d.Line == i + 1) is not { } decision)
                {
                    continue;
                }

                yield return X12Segments.Segment("SVD", prior.PayerId, X12Segments.Amount(decision.Paid), Procedure(line), string.Empty, X12Segments.Amount(line.Units));
                foreach (var segment in AdjustmentSegments(decision.Adjustments))
                {
                    yield return segment;
                }

                yield return X12Segments.Segment("DTP", "573", "D8", X12Segments.Date(prior.AdjudicatedOn));
            }
        }
    }

    /// <summary>Loop 2320 with 2330A and 2330B: the earlier payer's coverage and its decision on the claim.</summary>
    private static IEnumerable<string> PriorPayerSegments(PriorPayer prior, string sequence)
    {
        yield return X12Segments.Segment("SBR", sequence, OtherRelationship(prior.Relationship), prior.PlanId ?? string.Empty,
            string.Empty, prior.MedicareSecondaryType ?? string.Empty, string.Empty, string.Empty, string.Empty, prior.ClaimFilingIndicator);
        foreach (var segment in AdjustmentSegments(prior.Adjustments))
        {
            yield return segment;
        }

        yield return X12Segments.Segment("AMT", "D", X12Segments.Amount(prior.Paid));
        yield return X12Segments.Segment("OI", string.Empty, string.Empty, "Y", string.Empty, string.Empty, "Y");
        yield return PersonName("IL", prior.Subscriber, "MI", prior.MemberId);
        yield return X12Segments.Segment("NM1", "PR", "2", Up(prior.PayerName), string.Empty, string.Empty, string.Empty, string.Empty, "PI", prior.PayerId);
        if (prior.Lines.Count == 0)
        {
            yield return X12Segments.Segment("DTP", "573", "D8", X12Segments.Date(prior.AdjudicatedOn));
        }

        if (prior.PayerClaimNumber is { } number)
        {
            yield return X12Segments.Segment("REF", "F8", number);
        }
    }

    /// <summary>One CAS per adjustment group, in the order the groups first appear, each with its reasons and amounts.</summary>
    private static IEnumerable<string> AdjustmentSegments(IReadOnlyList<PayerAdjustment> adjustments) =>
        adjustments.GroupBy(a => a.Group, StringComparer.Ordinal)
            .Select(g => X12Segments.Segment("CAS", [g.Key, .. g.SelectMany(a => new[] { a.Reason, X12Segments.Amount(a.Amount), string.Empty })]));

    private static string Procedure(ServiceLine line) => string.Join(":", new[] { "HC", line.ProcedureCode }.Concat(line.Modifiers ?? []));

    private static string PersonName(string entity, Person person, string? idQualifier, string? id) =>
        X12Segments.Segment("NM1", entity, "1", Up(person.LastName), Up(person.FirstName), string.Empty, string.Empty, string.Empty, idQualifier ?? string.Empty, id ?? string.Empty);

    private static string Demographics(Person person) => X12Segments.Segment("DMG", "D8", X12Segments.Date(person.BirthDate), person.Sex);

    private static IEnumerable<string> AddressSegments(Address address)
    {
        // N302 only when there is a second line (a trailing empty element is dropped).
        yield return X12Segments.Segment("N3", Up(address.Line1), Up(address.Line2 ?? string.Empty));
        yield return X12Segments.Segment("N4", Up(address.City), address.State, address.PostalCode);
    }

    private static string Name(string entity, ClaimProvider provider)
    {
        if (provider.IsOrganization)
        {
            return X12Segments.Segment("NM1", entity, "2", Up(provider.Name), string.Empty, string.Empty, string.Empty, string.Empty, "XX", provider.Npi);
        }

        var (last, first) = ClaimValidator.SplitPersonName(provider.Name);
        return X12Segments.Segment("NM1", entity, "1", Up(last), Up(first), string.Empty, string.Empty, string.Empty, "XX", provider.Npi);
    }

    /// <summary>The payer responsibility sequence (SBR01) of the payer in a position: primary, secondary, tertiary.</summary>
    private static string Sequence(int position) => position switch { 0 => "P", 1 => "S", _ => "T" };

    /// <summary>PAT01 in 2000C: the patient's relationship to the subscriber (never self: a self-insured patient has no 2000C).</summary>
    private static string Relationship(SubscriberRelationship relationship) => relationship switch
    {
        SubscriberRelationship.Spouse => "01",
        SubscriberRelationship.Child => "19",
        _ => "G8",
    };

    /// <summary>SBR02 in 2320: the patient's relationship to the other payer's subscriber.</summary>
    private static string OtherRelationship(SubscriberRelationship relationship) =>
        relationship == SubscriberRelationship.Self ? "18" : Relationship(relationship);

    private static IEnumerable<ValidationError> EnvelopeProblems(X12Envelope e)
    {
        foreach (var (name, value, min, max) in new[] { ("senderId", e.SenderId, 2, 15), ("receiverId", e.ReceiverId, 2, 15), ("senderName", e.SenderName, 1, 60), ("receiverName", e.ReceiverName, 1, 60), ("contactName", e.ContactName, 1, 60) })
        {
            if (ClaimValidator.Text(value, max, minLength: min) is { } problem)
            {
                yield return new ValidationError($"envelope.{name}", problem);
            }
        }

        if (e.ContactPhone is not { Length: >= 10 and <= 15 } || !e.ContactPhone.All(char.IsAsciiDigit))
        {
            yield return new ValidationError("envelope.contactPhone", $"10 to 15 digits, found '{e.ContactPhone}'");
        }

        if (e.ControlNumber is < 1 or > 999_999_999)
        {
            yield return new ValidationError("envelope.controlNumber", $"must be from 1 to 999999999, found {e.ControlNumber}");
        }
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Up(string value) => value.ToUpperInvariant();
}

/// <summary>
/// Writes X12 segments and interchanges (the outgoing side): elements joined by <c>*</c> with trailing empty elements
/// dropped, components by <c>:</c>, repetitions by <c>^</c>, segments ended by <c>~</c> and a line break; the fixed-width
/// ISA; GS/ST … SE/GE/IEA with matching control numbers and counts. Thread safe.
/// </summary>
internal static class X12Segments
{
    /// <summary>A segment: its id and elements (trimmed) joined by <c>*</c>, trailing empty elements dropped, without its terminator.</summary>
    public static string Segment(string id, params string[] elements)
    {
        var trimmed = elements.Select(e => e.Trim()).ToArray();
        var count = trimmed.Length;
        while (count > 0 && trimmed[count - 1].Length == 0)
        {
            count--;
        }

        return string.Join("*", trimmed.Take(count).Prepend(id));
    }

    /// <summary>An amount as X12 writes it: no trailing zeros after the decimal point, no thousands separators.</summary>
    public static string Amount(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A date as CCYYMMDD.</summary>
    public static string Date(LocalDate date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>A time as HHMM.</summary>
    public static string Time(LocalDateTime at) => at.ToString("HHmm", CultureInfo.InvariantCulture);

    /// <summary>The interchange control number: nine digits, zero padded.</summary>
    public static string ControlNumber(int control) => control.ToString("000000000", CultureInfo.InvariantCulture);

    /// <summary>
    /// One interchange with one functional group holding one transaction set: ISA (fixed width, sender and receiver
    /// qualified ZZ), GS (group control number = the interchange's), ST (its number the control number's last four
    /// digits), the body, SE (counting ST to SE), GE and IEA.
    /// </summary>
    public static string Interchange(string senderId, string receiverId, int control, bool production, LocalDateTime at, string functionalId, string transactionSet,
        string implementation, IReadOnlyList<string> body)
    {
        var controlText = ControlNumber(control);
        var group = control.ToString(CultureInfo.InvariantCulture);
        var set = (control % 10000).ToString("0000", CultureInfo.InvariantCulture);
        var isa = string.Join("*", "ISA", "00", new string(' ', 10), "00", new string(' ', 10), "ZZ", senderId.PadRight(15), "ZZ", receiverId.PadRight(15),
            at.ToString("yyMMdd", CultureInfo.InvariantCulture), Time(at), "^", "00501", controlText, "0", production ? "P" : "T", ":");
        var segments = new List<string>
        {
            isa,
            Segment("GS", functionalId, senderId, receiverId, Date(at.Date), Time(at), group, "X", implementation),
            Segment("ST", transactionSet, set, implementation),
        };
        segments.AddRange(body);
        segments.Add(Segment("SE", (body.Count + 2).ToString(CultureInfo.InvariantCulture), set));
        segments.Add(Segment("GE", "1", group));
        segments.Add(Segment("IEA", "1", controlText));
        var file = new StringBuilder();
        foreach (var segment in segments)
        {
            file.Append(segment).Append("~\n");
        }

        return file.ToString();
    }
}
