using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Engine.Billing.X12;

/// <summary>One 835 transaction set (005010X221A1): the payment, and what it pays per claim and line.</summary>
/// <param name="Position">The BPR's segment number.</param>
/// <param name="Trace">TRN02: the check or EFT trace number.</param>
/// <param name="PayerId">TRN03: the payer's identifier.</param>
/// <param name="HandlingCode">BPR01 (C payment and remittance, I remittance only, H notification, ...).</param>
/// <param name="TotalPaid">BPR02: the total actual provider payment, never negative (a debit, BPR03 D, is money the provider owes).</param>
/// <param name="CreditDebit">BPR03: C credit or D debit.</param>
/// <param name="PaymentMethod">BPR04 (ACH, CHK, BOP, FWT, NON).</param>
/// <param name="PaymentDate">BPR16, when given.</param>
/// <param name="Claims">The claims paid (CLP loops), in file order.</param>
/// <param name="ProviderAdjustments">The provider-level adjustments (PLB).</param>
public sealed record Remittance(
    int Position,
    string Trace,
    string PayerId,
    string HandlingCode,
    decimal TotalPaid,
    string CreditDebit,
    string PaymentMethod,
    LocalDate? PaymentDate,
    IReadOnlyList<RemittanceClaim> Claims,
    IReadOnlyList<ProviderAdjustment> ProviderAdjustments);

/// <summary>A CLP loop of an 835.</summary>
/// <param name="Position">The CLP's segment number.</param>
/// <param name="ClaimId">CLP01: the patient control number (the claim's id).</param>
/// <param name="StatusCode">CLP02 (1 processed as primary, 2 secondary, 3 tertiary, 4 denied, 19–21 processed and forwarded, 22 reversal, 23 not our claim, 25 predetermination).</param>
/// <param name="Charge">CLP03: the charge.</param>
/// <param name="Paid">CLP04: the payment.</param>
/// <param name="PatientResponsibility">CLP05, or the sum of the PR adjustments when absent.</param>
/// <param name="PayerClaimNumber">CLP07: the payer's claim control number.</param>
/// <param name="CoverageAmount">AMT*AU, when given.</param>
/// <param name="Adjustments">The claim-level CAS adjustments.</param>
/// <param name="RemarkCodes">The claim-level remark codes (MOA03–MOA07).</param>
/// <param name="Lines">The service lines (SVC loops).</param>
public sealed record RemittanceClaim(
    int Position,
    string ClaimId,
    string StatusCode,
    decimal Charge,
    decimal Paid,
    decimal PatientResponsibility,
    string PayerClaimNumber,
    decimal? CoverageAmount,
    IReadOnlyList<ClaimAdjustment> Adjustments,
    IReadOnlyList<string> RemarkCodes,
    IReadOnlyList<RemittanceLine> Lines);

/// <summary>An SVC loop of an 835.</summary>
/// <param name="Position">The SVC's segment number.</param>
/// <param name="ProcedureCode">SVC01-2: the procedure paid.</param>
/// <param name="Modifiers">SVC01-3 to SVC01-6.</param>
/// <param name="SubmittedProcedureCode">SVC06-2: the procedure as submitted, when the payer paid another one (or other modifiers).</param>
/// <param name="SubmittedModifiers">SVC06-3 to SVC06-6: the modifiers as submitted, when SVC06 is given; null otherwise.</param>
/// <param name="Charge">SVC02.</param>
/// <param name="Paid">SVC03.</param>
/// <param name="DateOfService">DTM*472 (or DTM*150, the first date of a range), when given.</param>
/// <param name="Allowed">AMT*B6, when given.</param>
/// <param name="Adjustments">The line's CAS adjustments.</param>
/// <param name="RemarkCodes">LQ*HE remark codes (RARC).</param>
public sealed record RemittanceLine(
    int Position,
    string ProcedureCode,
    IReadOnlyList<string> Modifiers,
    string? SubmittedProcedureCode,
    IReadOnlyList<string>? SubmittedModifiers,
    decimal Charge,
    decimal Paid,
    LocalDate? DateOfService,
    decimal? Allowed,
    IReadOnlyList<ClaimAdjustment> Adjustments,
    IReadOnlyList<string> RemarkCodes);

/// <summary>One PLB adjustment: a provider-level amount taken off (positive) or added to (negative) the payment.</summary>
/// <param name="Position">The PLB's segment number.</param>
/// <param name="ProviderId">PLB01.</param>
/// <param name="Reason">The adjustment reason (PLB03-1 and on: WO overpayment recovery, L6 interest, FB forward balance, ...).</param>
/// <param name="Reference">The reference identifier (PLB03-2), if any.</param>
/// <param name="Amount">The amount.</param>
public sealed record ProviderAdjustment(int Position, string ProviderId, string Reason, string Reference, decimal Amount);

/// <summary>
/// Reads 835 remittances (005010X221A1): BPR, TRN, CLP, CAS, MOA, AMT*AU, SVC, DTM*472/150, AMT*B6, LQ*HE and PLB. A
/// segment the 835 does not have, or one out of the place the guide gives it, refuses the file. A file is refused when it does not balance: BPR02 must equal Σ CLP04 − Σ PLB amounts (minus BPR02 for a debit); each claim's CLP03 less its
/// adjustments (claim and line) must equal CLP04; each line's SVC02 less its adjustments must equal SVC03. Thread safe.
/// </summary>
public static class RemittanceReader
{
    private static readonly string[] Groups = ["CO", "OA", "PI", "PR"];
    private static readonly string[] StatusCodes = ["1", "2", "3", "4", "19", "20", "21", "22", "23", "25"];

    /// <summary>Reads every 835 of an interchange.</summary>
    /// <param name="interchange">The interchange.</param>
    /// <returns>The remittances, or every problem found (each naming its segment).</returns>
    public static (IReadOnlyList<Remittance> Remittances, IReadOnlyList<ValidationError> Errors) Read(X12Interchange interchange)
    {
        ArgumentNullException.ThrowIfNull(interchange);
        var errors = new List<ValidationError>();
        var result = X12Transactions.Of(interchange, "835", "a remittance", errors).Select(t => One(t, errors)).OfType<Remittance>().ToList();
        return errors.Count > 0 ? ([], errors) : (result, []);
    }

    private static Remittance? One(X12Transaction set, List<ValidationError> errors)
    {
        var body = set.Body.ToList();
        var before = errors.Count;
        if (body.Count < 2 || body[0].Id != "BPR" || body[1].Id != "TRN")
        {
            errors.Add((body.Count > 0 ? body[0] : set.Segments[0]).Error("an 835 starts with BPR (the payment) and TRN (its trace number)"));
            return null;
        }

        var (bpr, trn) = (body[0], body[1]);
        var total = X12Transactions.Money(bpr, 2, errors);
        if (total < 0)
        {
            errors.Add(bpr.Error("BPR02 is negative; an amount the provider owes is sent as a positive BPR02 with BPR03 D (debit)"));
        }

        if (bpr[3] is not ("C" or "D"))
        {
            errors.Add(bpr.Error("BPR03 must be C (credit) or D (debit)"));
        }

        var trace = X12Transactions.Required(trn, 2, errors);
        var payerId = X12Transactions.Required(trn, 3, errors);
        LocalDate? paid = null;
        if (bpr[16].Length > 0 && (paid = X12Reader.Date(bpr[16])) is null)
        {
            errors.Add(bpr.Error("BPR16 is not a CCYYMMDD date"));
        }

        var builders = new List<ClaimBuilder>();
        var plbs = new List<ProviderAdjustment>();
        ClaimBuilder? claim = null;
        LineBuilder? line = null;
        var area = Area.Start;
        foreach (var s in body.Skip(2))
        {
            if (Misplaced(s, ref area, claim is not null, line is not null) is { } misplaced)
            {
                errors.Add(s.Error(misplaced));
                continue;
            }

            switch (s.Id)
            {
                case "CLP":
                    claim = new ClaimBuilder(s, errors);
                    builders.Add(claim);
                    line = null;
                    break;
                case "SVC" when claim is not null:
                    line = new LineBuilder(s, errors);
                    claim.Lines.Add(line);
                    break;
                case "CAS" when claim is not null:
                    (line?.Adjustments ?? claim.Adjustments).AddRange(Cas(s, errors));
                    break;
                case "MOA" when claim is not null:
                    claim.Remarks.AddRange(Enumerable.Range(3, 5).Select(i => s[i]).Where(r => r.Length > 0));
                    break;
                case "AMT" when claim is not null && line is null && s[1] == "AU":
                    claim.Coverage = X12Transactions.Money(s, 2, errors);
                    break;
                case "AMT" when line is not null && s[1] == "B6":
                    line.Allowed = X12Transactions.Money(s, 2, errors);
                    break;
                case "DTM" when line is not null && s[1] is "472" or "150":
                    line.Date = X12Reader.Date(s[2]);
                    if (line.Date is null)
                    {
                        errors.Add(s.Error("DTM02 is not a CCYYMMDD date"));
                    }

                    break;
                case "LQ" when line is not null && s[1] == "HE":
                    line.Remarks.Add(X12Transactions.Required(s, 2, errors));
                    break;
                case "PLB":
                    (claim, line) = (null, null);
                    plbs.AddRange(Plb(s, errors));
                    break;
                case "LX" or "TS3" or "TS2":
                    (claim, line) = (null, null);
                    break;
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        var claims = builders.Select(b => b.Build(errors)).ToList();
        // A debit (BPR03 D) takes BPR02 back from the provider: the claims and adjustments come to minus BPR02.
        var net = claims.Sum(c => c.Paid) - plbs.Sum(p => p.Amount);
        if (net != (bpr[3] == "D" ? -total : total))
        {
            errors.Add(bpr.Error($"the file does not balance: BPR02 is {M(total)}{(bpr[3] == "D" ? " (a debit)" : string.Empty)}, but the claims pay {M(claims.Sum(c => c.Paid))} and the provider adjustments (PLB) take {M(plbs.Sum(p => p.Amount))}, which makes {M(net)}"));
        }

        return errors.Count > before ? null : new Remittance(bpr.Position, trace, payerId, bpr[1], total, bpr[3], bpr[4], paid, claims, plbs);
    }

    /// <summary>The parts of an 835, in the order the guide sets them.</summary>
    private enum Area
    {
        /// <summary>Right after BPR and TRN.</summary>
        Start,

        /// <summary>After CUR.</summary>
        Currency,

        /// <summary>After a header REF (receiver, version).</summary>
        References,

        /// <summary>After the header DTM (production date).</summary>
        Dates,

        /// <summary>The payer loop (1000A, N1*PR).</summary>
        Payer,

        /// <summary>The payee loop (1000B, N1*PE).</summary>
        Payee,

        /// <summary>An LX (2000) before its first claim: TS3 and TS2 may follow.</summary>
        Summary,

        /// <summary>The claims (2100) and their lines (2110).</summary>
        Claims,

        /// <summary>The provider-level adjustments (PLB), up to SE.</summary>
        Adjustments,
    }

    /// <summary>
    /// Where a segment may stand in an 835 (005010X221A1): null when it may stand here (and <paramref name="area"/> moves
    /// on), or why it may not. The header (CUR, REF, DTM in that order), the payer loop (N1*PR with N3, N4, REF, PER), the
    /// payee loop (N1*PE with N3, N4, REF, RDM), the LX loops (TS3, TS2 before the first claim), the claims and their
    /// lines, and the PLBs come in that order; a segment the 835 does not have is refused.
    /// </summary>
    private static string? Misplaced(X12Segment s, ref Area area, bool inClaim, bool inLine)
    {
        const string Claim = "belongs to a claim payment (CLP), before its first service line (SVC)";
        const string Last = "only PLB follows the provider-level adjustments (PLB), up to SE";
        const string Parties = "belongs to the payer loop (N1*PR) or the payee loop (N1*PE), which come after the header and before the claims (LX, CLP)";
        var (here, next) = s.Id switch
        {
            "BPR" or "TRN" => ("an 835 has one BPR and one TRN, at its start", area),
            "CUR" => (area == Area.Start ? null : "the currency (CUR) comes right after BPR and TRN", Area.Currency),
            "REF" when area <= Area.References => (null, Area.References),
            "REF" when area == Area.Dates => ("the header's references (REF) come before its date (DTM)", area),
            "REF" => (area is Area.Payer or Area.Payee || inClaim ? null : area == Area.Adjustments ? Last : "belongs to the header, the payer or payee loop, a claim payment or a service line", area),
            "DTM" when area <= Area.Dates => (null, Area.Dates),
            "DTM" => (inClaim ? null : area == Area.Adjustments ? Last : "belongs to the header (before the payer loop), a claim payment or a service line", area),
            "N1" when s[1] == "PR" => (area <= Area.Dates ? null : "the payer loop (N1*PR) comes once, right after the header", Area.Payer),
            "N1" when s[1] == "PE" => (area <= Area.Payer ? null : "the payee loop (N1*PE) comes once, after the payer loop and before the claims (LX, CLP)", Area.Payee),
            "N1" => ("N101 must be PR (the payer) or PE (the payee)", area),
            "N3" or "N4" => (area is Area.Payer or Area.Payee ? null : Parties, area),
            "PER" => (area == Area.Payer || (inClaim && !inLine) ? null : "belongs to the payer loop (N1*PR) or to a claim payment (CLP) before its first SVC", area),
            "RDM" => (area == Area.Payee ? null : "belongs to the payee loop (N1*PE)", area),
            "LX" => (area != Area.Adjustments ? null : Last, Area.Summary),
            "TS3" or "TS2" => (area == Area.Summary ? null : "the provider summaries (TS3, TS2) come right after their LX, before its claims", area),
            "CLP" => (area != Area.Adjustments ? null : Last, Area.Claims),
            "NM1" or "MIA" or "MOA" => (inClaim && !inLine ? null : Claim, area),
            "SVC" or "CAS" => (inClaim ? null : "is outside a claim payment (CLP) loop", area),
            "LQ" => (inLine ? null : "belongs to a service line (SVC)", area),
            "AMT" or "QTY" => (inClaim ? null : "belongs to a claim payment (CLP) or a service line (SVC)", area),
            "PLB" => (null, Area.Adjustments),
            _ => ("is not a segment of an 835 (005010X221A1)", area),
        };
        if (here is null)
        {
            area = next;
        }

        return here;
    }

    private static string M(decimal amount) => amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static IEnumerable<ClaimAdjustment> Cas(X12Segment s, List<ValidationError> errors)
    {
        if (!Groups.Contains(s[1]))
        {
            errors.Add(s.Error("CAS01 must be a claim adjustment group code: CO, OA, PI or PR"));
            yield break;
        }

        if (s.Count > 19)
        {
            errors.Add(s.Error($"CAS has at most 19 elements (six adjustments), found {s.Count}"));
        }

        // Every triplet is read, even past the sixth, so the balance checks count what the file says.
        for (var i = 2; i <= Math.Max(17, s.Count - 1); i += 3)
        {
            if (s[i].Length == 0 && s[i + 1].Length == 0)
            {
                if (i == 2)
                {
                    errors.Add(s.Error("CAS02 (the first adjustment reason code) is required"));
                }

                continue;
            }

            if (s[i].Length == 0)
            {
                errors.Add(s.Error($"CAS{i:00} (the adjustment reason code) is required with its amount CAS{i + 1:00}"));
                continue;
            }

            yield return new ClaimAdjustment(s[1], s[i], X12Transactions.Money(s, i + 1, errors));
        }
    }

    private static IEnumerable<ProviderAdjustment> Plb(X12Segment s, List<ValidationError> errors)
    {
        var provider = X12Transactions.Required(s, 1, errors);
        if (s[2].Length > 0 && X12Reader.Date(s[2]) is null)
        {
            errors.Add(s.Error("PLB02 is not a CCYYMMDD date"));
        }

        for (var i = 3; i <= 13; i += 2)
        {
            if (s[i].Length == 0 && s[i + 1].Length == 0)
            {
                if (i == 3)
                {
                    errors.Add(s.Error("PLB03 (the first adjustment) is required"));
                }

                continue;
            }

            yield return new ProviderAdjustment(s.Position, provider, X12Transactions.Required(s, i, errors) is { Length: > 0 } ? s.Component(i, 1) : string.Empty,
                s.Component(i, 2), X12Transactions.Money(s, i + 1, errors));
        }
    }

    private sealed class ClaimBuilder
    {
        private readonly X12Segment _clp;
        private readonly string _id;
        private readonly decimal _charge;
        private readonly decimal _paid;
        private readonly decimal? _patient;

        public ClaimBuilder(X12Segment clp, List<ValidationError> errors)
        {
            _clp = clp;
            _id = X12Transactions.Required(clp, 1, errors);
            if (!StatusCodes.Contains(clp[2]))
            {
                errors.Add(clp.Error($"CLP02 must be a claim status code: {string.Join(", ", StatusCodes)}"));
            }

            _charge = X12Transactions.Money(clp, 3, errors);
            _paid = X12Transactions.Money(clp, 4, errors);
            _patient = clp[5].Length == 0 ? null : X12Transactions.Money(clp, 5, errors);
        }

        public List<LineBuilder> Lines { get; } = [];

        public List<ClaimAdjustment> Adjustments { get; } = [];

        public List<string> Remarks { get; } = [];

        public decimal? Coverage { get; set; }

        public RemittanceClaim Build(List<ValidationError> errors)
        {
            var lines = Lines.Select(l => l.Build(errors)).ToList();
            var adjusted = Adjustments.Sum(a => a.Amount) + lines.Sum(l => l.Adjustments.Sum(a => a.Amount));
            if (_charge - adjusted != _paid)
            {
                errors.Add(_clp.Error($"the claim does not balance: CLP03 {M(_charge)} less its adjustments {M(adjusted)} is {M(_charge - adjusted)}, but CLP04 pays {M(_paid)}"));
            }

            var patient = _patient ?? (Adjustments.Where(a => a.Group == "PR").Sum(a => a.Amount) + lines.Sum(l => l.Adjustments.Where(a => a.Group == "PR").Sum(a => a.Amount)));
            return new RemittanceClaim(_clp.Position, _id, _clp[2], _charge, _paid, patient, _clp[7], Coverage, Adjustments, Remarks, lines);
        }
    }

    private sealed class LineBuilder
    {
        private readonly X12Segment _svc;
        private readonly decimal _charge;
        private readonly decimal _paid;

        public LineBuilder(X12Segment svc, List<ValidationError> errors)
        {
            _svc = svc;
            if (svc.Component(1, 2).Length == 0)
            {
                errors.Add(svc.Error("SVC01 needs a qualifier and a procedure code (for example HC:99213)"));
            }

            if (svc[6].Length > 0 && svc.Component(6, 2).Length == 0)
            {
                errors.Add(svc.Error("SVC06 (the procedure as submitted) needs a qualifier and a procedure code (for example HC:99213)"));
            }

            _charge = X12Transactions.Money(svc, 2, errors);
            _paid = X12Transactions.Money(svc, 3, errors);
        }

        public List<ClaimAdjustment> Adjustments { get; } = [];

        public List<string> Remarks { get; } = [];

        public decimal? Allowed { get; set; }

        public LocalDate? Date { get; set; }

        public RemittanceLine Build(List<ValidationError> errors)
        {
            var adjusted = Adjustments.Sum(a => a.Amount);
            if (_charge - adjusted != _paid)
            {
                errors.Add(_svc.Error($"the line does not balance: SVC02 {M(_charge)} less its adjustments {M(adjusted)} is {M(_charge - adjusted)}, but SVC03 pays {M(_paid)}"));
            }

            static List<string> Modifiers(IReadOnlyList<string> components) => [.. components.Skip(2).Take(4).Where(m => m.Length > 0)];
            var submitted = _svc.Component(6, 2) is { Length: > 0 } original ? original : null;
            return new RemittanceLine(_svc.Position, _svc.Component(1, 2), Modifiers(_svc.Components(1)), submitted, submitted is null ? null : Modifiers(_svc.Components(6)),
                _charge, _paid, Date, Allowed, Adjustments, Remarks);
        }
    }
}
