using System.Globalization;
using System.Text;
using NodaTime;

namespace MedCoord.Engine.Billing;

/// <summary>Who sends an 837 file to whom, and its control numbers.</summary>
/// <param name="SenderId">The submitter's id (ISA06, GS02, 1000A NM109), at most 15 characters.</param>
/// <param name="SenderName">The submitter's name (1000A).</param>
/// <param name="ContactName">The submitter's contact (1000A PER).</param>
/// <param name="ContactPhone">The contact's phone number, digits only.</param>
/// <param name="ReceiverId">The receiver's id (ISA08, GS03, 1000B NM109), at most 15 characters.</param>
/// <param name="ReceiverName">The receiver's name (1000B).</param>
/// <param name="ControlNumber">The interchange control number (ISA13/IEA02), 1 to 999,999,999; the group (GS06/GE02) and transaction set (ST02/SE02) numbers derive from it.</param>
/// <param name="Production">True for production data (ISA15 = P), false for test data (T).</param>
public sealed record X12Envelope(string SenderId, string SenderName, string ContactName, string ContactPhone, string ReceiverId, string ReceiverName, int ControlNumber, bool Production);

/// <summary>
/// Writes professional claims as an X12 837P file (005010X222A1): ISA/GS/ST … SE/GE/IEA with matching control numbers
/// and counts; 1000A submitter and 1000B receiver; per billing provider a 2000A/2010AA; per claim a 2000B subscriber with
/// 2010BA and 2010BB (payer), a 2000C/2010CA patient when the patient is not the subscriber, the 2300 claim (CLM, HI with
/// the principal diagnosis ABK then ABF, codes without their dot, 2310B rendering provider) and a 2400 per line (LX, SV1
/// with its diagnosis pointers, DTP*472). Segments end with <c>~</c> and a line break. Only valid claims are written.
/// Thread safe.
/// </summary>
public static class X12Writer
{
    /// <summary>The 837P file for the claims.</summary>
    /// <param name="claims">Valid claims (one or more).</param>
    /// <param name="envelope">Sender, receiver and control number.</param>
    /// <param name="createdAt">When the file is created (ISA09/ISA10, GS04/GS05, BHT04/BHT05).</param>
    /// <param name="codeSets">Loaded code tables, if any (used when validating).</param>
    /// <returns>The file's text.</returns>
    /// <exception cref="ArgumentException">A claim or the envelope is invalid; the message lists every problem, each naming its claim.</exception>
    public static string Write(IReadOnlyList<Claim> claims, X12Envelope envelope, ZonedDateTime createdAt, ICodeSetProvider? codeSets = null)
    {
        var problems = Problems(claims, envelope, codeSets);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(claims));
        }

        var local = createdAt.LocalDateTime;
        var control = envelope.ControlNumber.ToString("000000000", CultureInfo.InvariantCulture);
        var set = (envelope.ControlNumber % 10000).ToString("0000", CultureInfo.InvariantCulture);
        var file = new StringBuilder();
        file.Append(Isa(envelope, local, control)).Append("~\n");
        var segments = new List<string>
        {
            Seg("GS", "HC", envelope.SenderId, envelope.ReceiverId, local.ToString("yyyyMMdd", CultureInfo.InvariantCulture), local.ToString("HHmm", CultureInfo.InvariantCulture),
                envelope.ControlNumber.ToString(CultureInfo.InvariantCulture), "X", "005010X222A1"),
        };

        var transaction = new List<string>
        {
            Seg("ST", "837", set, "005010X222A1"),
            Seg("BHT", "0019", "00", control, local.ToString("yyyyMMdd", CultureInfo.InvariantCulture), local.ToString("HHmm", CultureInfo.InvariantCulture), "CH"),
            Seg("NM1", "41", "2", Up(envelope.SenderName), string.Empty, string.Empty, string.Empty, string.Empty, "46", envelope.SenderId),
            Seg("PER", "IC", Up(envelope.ContactName), "TE", envelope.ContactPhone),
            Seg("NM1", "40", "2", Up(envelope.ReceiverName), string.Empty, string.Empty, string.Empty, string.Empty, "46", envelope.ReceiverId),
        };

        var hl = 0;
        foreach (var byBilling in claims.GroupBy(c => c.BillingProvider.Npi, StringComparer.Ordinal))
        {
            var billing = byBilling.First().BillingProvider;
            var billingHl = ++hl;
            transaction.Add(Seg("HL", billingHl.ToString(CultureInfo.InvariantCulture), string.Empty, "20", "1"));
            transaction.Add(Name("85", billing, "XX", billing.Npi));
            transaction.AddRange(AddressSegments(billing.Address!));
            transaction.Add(Seg("REF", "EI", billing.TaxId!));
            foreach (var claim in byBilling)
            {
                var selfPaid = claim.Coverage.Relationship == SubscriberRelationship.Self;
                var subscriberHl = ++hl;
                transaction.Add(Seg("HL", subscriberHl.ToString(CultureInfo.InvariantCulture), billingHl.ToString(CultureInfo.InvariantCulture), "22", selfPaid ? "0" : "1"));
                transaction.Add(Seg("SBR", "P", selfPaid ? "18" : string.Empty, Up(claim.Coverage.PlanId ?? string.Empty), string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, "CI"));
                transaction.AddRange(PersonSegments("IL", claim.Coverage.Subscriber, "MI", claim.Coverage.MemberId));
                transaction.Add(Seg("NM1", "PR", "2", Up(claim.Coverage.PayerName), string.Empty, string.Empty, string.Empty, string.Empty, "PI", claim.Coverage.PayerId));
                if (!selfPaid)
                {
                    transaction.Add(Seg("HL", (++hl).ToString(CultureInfo.InvariantCulture), subscriberHl.ToString(CultureInfo.InvariantCulture), "23", "0"));
                    transaction.Add(Seg("PAT", Relationship(claim.Coverage.Relationship)));
                    transaction.AddRange(PersonSegments("QC", claim.Patient, null, null));
                }

                transaction.AddRange(ClaimSegments(claim));
            }
        }

        transaction.Add(Seg("SE", (transaction.Count + 1).ToString(CultureInfo.InvariantCulture), set));
        segments.AddRange(transaction);
        segments.Add(Seg("GE", "1", envelope.ControlNumber.ToString(CultureInfo.InvariantCulture)));
        segments.Add(Seg("IEA", "1", control));
        foreach (var segment in segments)
        {
            file.Append(segment).Append("~\n");
        }

        return file.ToString();
    }

    /// <summary>Every problem that keeps the claims and envelope from an 837P file, each naming its path; empty when none.</summary>
    /// <param name="claims">The claims.</param>
    /// <param name="envelope">The envelope.</param>
    /// <param name="codeSets">Loaded code tables, if any.</param>
    /// <returns>The problems.</returns>
    public static IReadOnlyList<string> Problems(IReadOnlyList<Claim> claims, X12Envelope envelope, ICodeSetProvider? codeSets = null)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(envelope);
        var problems = EnvelopeProblems(envelope).ToList();
        if (claims.Count == 0)
        {
            problems.Add("claims: at least one claim is needed");
        }

        problems.AddRange(claims.SelectMany((c, i) => ClaimValidator.Validate(c, codeSets).Select(p => $"claims[{i}].{p}")));
        problems.AddRange(claims.GroupBy(c => c.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"claims: id '{g.Key}' is used by {g.Count()} claims"));
        return problems;
    }

    private static IEnumerable<string> ClaimSegments(Claim claim)
    {
        var places = claim.Lines.Select(l => l.PlaceOfService).Distinct().ToList();
        yield return Seg("CLM", claim.Id, Amount(claim.TotalCharge), string.Empty, string.Empty, $"{claim.Lines[0].PlaceOfService}:B:1", "Y", "A", "Y", "Y");
        yield return Seg("HI", [.. claim.Diagnoses.Select((d, i) => $"{(i == 0 ? "ABK" : "ABF")}:{Codes.Normalize(CodeSystem.Icd10Cm, d)}")]);
        if (claim.RenderingProvider is { } rendering)
        {
            yield return Name("82", rendering, "XX", rendering.Npi);
        }

        for (var i = 0; i < claim.Lines.Count; i++)
        {
            var line = claim.Lines[i];
            yield return Seg("LX", (i + 1).ToString(CultureInfo.InvariantCulture));
            var procedure = string.Join(":", new[] { "HC", line.ProcedureCode }.Concat(line.Modifiers ?? []));
            yield return Seg("SV1", procedure, Amount(line.Charge), "UN", Amount(line.Units),
                places.Count > 1 ? line.PlaceOfService : string.Empty, string.Empty,
                string.Join(":", line.DiagnosisPointers.Select(p => p.ToString(CultureInfo.InvariantCulture))));
            yield return Seg("DTP", "472", "D8", line.DateOfService.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        }
    }

    private static IEnumerable<string> PersonSegments(string entity, Person person, string? idQualifier, string? id)
    {
        yield return idQualifier is null
            ? Seg("NM1", entity, "1", Up(person.LastName), Up(person.FirstName))
            : Seg("NM1", entity, "1", Up(person.LastName), Up(person.FirstName), string.Empty, string.Empty, string.Empty, idQualifier, id!);
        foreach (var segment in AddressSegments(person.Address))
        {
            yield return segment;
        }

        yield return Seg("DMG", "D8", person.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture), person.Sex);
    }

    private static IEnumerable<string> AddressSegments(Address address)
    {
        yield return Seg("N3", Up(address.Line1));
        yield return Seg("N4", Up(address.City), address.State, address.PostalCode);
    }

    private static string Name(string entity, ClaimProvider provider, string qualifier, string id)
    {
        if (provider.IsOrganization)
        {
            return Seg("NM1", entity, "2", Up(provider.Name), string.Empty, string.Empty, string.Empty, string.Empty, qualifier, id);
        }

        var parts = provider.Name.Split(',', 2, StringSplitOptions.TrimEntries);
        return Seg("NM1", entity, "1", Up(parts[0]), parts.Length > 1 ? Up(parts[1]) : string.Empty, string.Empty, string.Empty, string.Empty, qualifier, id);
    }

    private static string Relationship(SubscriberRelationship relationship) => relationship switch
    {
        SubscriberRelationship.Spouse => "01",
        SubscriberRelationship.Child => "19",
        _ => "G8",
    };

    private static string Isa(X12Envelope e, LocalDateTime at, string control) => string.Join("*",
        "ISA", "00", new string(' ', 10), "00", new string(' ', 10), "ZZ", e.SenderId.PadRight(15), "ZZ", e.ReceiverId.PadRight(15),
        at.ToString("yyMMdd", CultureInfo.InvariantCulture), at.ToString("HHmm", CultureInfo.InvariantCulture), "^", "00501", control, "0", e.Production ? "P" : "T", ":");

    private static IEnumerable<string> EnvelopeProblems(X12Envelope e)
    {
        foreach (var (name, value, max) in new[] { ("senderId", e.SenderId, 15), ("receiverId", e.ReceiverId, 15), ("senderName", e.SenderName, 60), ("receiverName", e.ReceiverName, 60), ("contactName", e.ContactName, 60) })
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > max || value.IndexOfAny(['*', '~', ':', '^']) >= 0)
            {
                yield return $"envelope.{name}: required, at most {max} characters, without * ~ : ^";
            }
        }

        if (e.ContactPhone is not { Length: >= 10 and <= 15 } || !e.ContactPhone.All(char.IsAsciiDigit))
        {
            yield return $"envelope.contactPhone: 10 to 15 digits, found '{e.ContactPhone}'";
        }

        if (e.ControlNumber is < 1 or > 999_999_999)
        {
            yield return $"envelope.controlNumber: must be from 1 to 999999999, found {e.ControlNumber}";
        }
    }

    /// <summary>A segment: its id and elements joined by <c>*</c>, trailing empty elements dropped.</summary>
    private static string Seg(string id, params string[] elements)
    {
        var count = elements.Length;
        while (count > 0 && elements[count - 1].Length == 0)
        {
            count--;
        }

        return string.Join("*", elements.Take(count).Prepend(id));
    }

    private static string Amount(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Up(string value) => value.ToUpperInvariant();
}
