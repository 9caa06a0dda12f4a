using System.Globalization;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Engine.Billing.X12;

/// <summary>What posting a remittance did to one claim.</summary>
/// <param name="ClaimId">The claim.</param>
/// <param name="Status">Its status after the posting.</param>
/// <param name="Posted">False when this remittance (its trace number and payer) was already posted to the claim: nothing changed.</param>
/// <param name="Payments">The claim's payments from this remittance (a reversal and its correction are two).</param>
public sealed record PostedClaim(string ClaimId, ClaimStatus Status, bool Posted, IReadOnlyList<ClaimPayment> Payments);

/// <summary>The outcome of posting remittances: the claims after it, what happened per claim, or why nothing was posted.</summary>
/// <param name="Claims">Every claim given, changed where a payment was posted (unchanged when there are errors).</param>
/// <param name="Postings">Per claim a remittance names, in file order (empty when there are errors).</param>
/// <param name="Errors">Why nothing was posted, each naming its segment; empty on success.</param>
public sealed record RemittancePostingResult(IReadOnlyList<Claim> Claims, IReadOnlyList<PostedClaim> Postings, IReadOnlyList<ValidationError> Errors);

/// <summary>
/// Posts 835 remittances to claims: a CLP finds its claim by the patient control number (CLP01), an SVC its line by
/// procedure and modifiers as submitted (SVC06 when the payer paid others), date of service (DTM*472) and charge
/// (SVC02); paid, allowed, patient responsibility and every adjustment go onto the claim as a <see cref="ClaimPayment"/>,
/// and the claim moves: a submitted claim to Accepted first (the payer adjudicated it), then CLP02 4 or 23 to Denied,
/// CLP02 1–3 or 19–21 to Paid when every line was allowed (paid, or owed by the patient), PartiallyPaid when some lines
/// were but not all, Denied when none was; a reversal (22) or a predetermination (25) posts its amounts and moves
/// nothing (the claim's last other CLP in the remittance decides). A remittance already on a claim (same trace number
/// TRN02 and payer) posts nothing again. All or nothing: an unknown claim, an unmatched line or a move the claim's
/// lifecycle refuses posts nothing at all. Pure; thread safe.
/// </summary>
public static class RemittancePosting
{
    /// <summary>Posts the remittances, in order.</summary>
    /// <param name="remittances">The remittances (one per 835 transaction set).</param>
    /// <param name="claims">The claims they may pay.</param>
    /// <param name="actor">Who posts (for the claims' history).</param>
    /// <param name="clock">The clock (for the claims' history).</param>
    /// <returns>The claims after posting, per claim what happened, or the errors.</returns>
    public static RemittancePostingResult Post(IReadOnlyList<Remittance> remittances, IReadOnlyList<Claim> claims, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(remittances);
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentNullException.ThrowIfNull(clock);
        var byId = claims.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var errors = new List<ValidationError>();
        var postings = new List<PostedClaim>();
        foreach (var remittance in remittances)
        {
            foreach (var group in remittance.Claims.GroupBy(c => c.ClaimId, StringComparer.Ordinal))
            {
                var first = group.First();
                if (!byId.TryGetValue(group.Key, out var claim))
                {
                    errors.Add(new($"segment {first.Position} (CLP)", $"CLP01 names claim '{group.Key}', which is not among the claims"));
                    continue;
                }

                if (claim.Payments.Any(p => p.Trace == remittance.Trace && p.PayerId == remittance.PayerId))
                {
                    postings.Add(new PostedClaim(claim.Id, claim.Status, false, [.. claim.Payments.Where(p => p.Trace == remittance.Trace && p.PayerId == remittance.PayerId)]));
                    continue;
                }

                var payments = group.Select(c => Payment(remittance, c, claim, errors)).ToList();
                if (Move(claim, remittance, group.ToList(), payments, actor, clock, errors) is not { } moved)
                {
                    continue;
                }

                byId[claim.Id] = moved with { Payments = [.. claim.Payments, .. payments] };
                postings.Add(new PostedClaim(claim.Id, moved.Status, true, payments));
            }
        }

        return errors.Count > 0
            ? new RemittancePostingResult(claims, [], errors)
            : new RemittancePostingResult([.. claims.Select(c => byId[c.Id])], postings, []);
    }

    private static ClaimPayment Payment(Remittance remittance, RemittanceClaim clp, Claim claim, List<ValidationError> errors)
    {
        var taken = new HashSet<int>();
        var lines = new List<LinePayment>();
        foreach (var svc in clp.Lines)
        {
            if (Line(svc, claim, taken, errors) is not { } number)
            {
                continue;
            }

            taken.Add(number);
            var patient = svc.Adjustments.Where(a => a.Group == "PR").Sum(a => a.Amount);
            lines.Add(new LinePayment(number, svc.ProcedureCode, svc.Charge, svc.Paid, svc.Allowed ?? svc.Paid + patient, patient, svc.Adjustments, svc.RemarkCodes));
        }

        var allowed = lines.Count > 0 ? lines.Sum(l => l.Allowed) : clp.CoverageAmount ?? clp.Paid + clp.PatientResponsibility;
        return new ClaimPayment(remittance.Trace, remittance.PayerId, clp.StatusCode, clp.PayerClaimNumber, clp.Charge, clp.Paid, allowed, clp.PatientResponsibility,
            clp.Adjustments, clp.RemarkCodes, lines, remittance.PaymentDate);
    }

    /// <summary>
    /// The claim line an SVC pays (1-based), or null after adding why there is none: a line not yet paid in this CLP
    /// with the procedure and modifiers as submitted (SVC06 when the payer paid others, SVC01 otherwise; modifiers in any
    /// order) and the date of service (DTM*472, when given); its charge must be SVC02 (less its minus sign in a
    /// reversal) unless SVC06 says the payer re-coded the line. Of several, the first whose charge is SVC02.
    /// </summary>
    private static int? Line(RemittanceLine svc, Claim claim, HashSet<int> taken, List<ValidationError> errors)
    {
        var code = svc.SubmittedProcedureCode ?? svc.ProcedureCode;
        var modifiers = svc.SubmittedModifiers ?? svc.Modifiers;
        var where = $"segment {svc.Position} (SVC)";
        var open = claim.Lines.Select((l, i) => (Line: l, Number: i + 1))
            .Where(l => !taken.Contains(l.Number) && string.Equals(l.Line.ProcedureCode, code, StringComparison.OrdinalIgnoreCase)
                && (svc.DateOfService is not { } date || l.Line.DateOfService == date))
            .ToList();
        var candidates = open.Where(l => SameModifiers(l.Line.Modifiers ?? [], modifiers)).OrderByDescending(l => l.Line.Charge == Math.Abs(svc.Charge)).ToList();
        if (candidates.Count == 0)
        {
            var given = modifiers.Count == 0 ? "no modifiers" : $"modifiers {string.Join(" ", modifiers)}";
            errors.Add(new(where, open.Count == 0
                ? $"no line of claim '{claim.Id}' not already paid in this CLP has procedure {code}{(svc.DateOfService is null ? string.Empty : " on the date of service given")}"
                : $"no line of claim '{claim.Id}' not already paid in this CLP has procedure {code} with {given}{(svc.DateOfService is null ? string.Empty : " on the date of service given")}; "
                    + "when the payer paid other modifiers, SVC06 carries the procedure and modifiers as submitted"));
            return null;
        }

        var (line, number) = candidates[0];
        if (svc.SubmittedProcedureCode is null && line.Charge != Math.Abs(svc.Charge))
        {
            errors.Add(new(where, string.Create(CultureInfo.InvariantCulture, $"SVC02 {svc.Charge:0.00} is not the charge {line.Charge:0.00} of line {number} of claim '{claim.Id}' ({code}); the SVC reports a line's charge as submitted")));
            return null;
        }

        return number;
    }

    private static bool SameModifiers(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == b.Count && a.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(b.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);

    /// <summary>The claim after the moves the remittance makes, or null after adding why it cannot make them.</summary>
    private static Claim? Move(Claim claim, Remittance remittance, List<RemittanceClaim> clps, List<ClaimPayment> payments, string actor, IClock clock, List<ValidationError> errors)
    {
        var where = $"segment {clps[0].Position} (CLP)";
        if (claim.Status is ClaimStatus.Draft or ClaimStatus.Ready or ClaimStatus.Rejected or ClaimStatus.Closed)
        {
            errors.Add(new(where, $"claim '{claim.Id}' is {claim.Status}; only a submitted or adjudicated claim takes a remittance"));
            return null;
        }

        var deciding = clps.Select((c, i) => (Clp: c, Payment: payments[i])).LastOrDefault(c => c.Clp.StatusCode is not ("22" or "25"));
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"835 trace {remittance.Trace}: {string.Join("; ", payments.Select(p => string.Create(CultureInfo.InvariantCulture, $"CLP02 {p.StatusCode}, paid {p.Paid:0.00}, allowed {p.Allowed:0.00}, patient {p.PatientResponsibility:0.00}{Adjustments(p)}")))}");
        var target = deciding.Clp is null ? (ClaimStatus?)null : Decide(deciding.Clp, deciding.Payment);
        var moved = claim;
        if (target is not null && moved.Status == ClaimStatus.Submitted)
        {
            moved = ClaimLifecycle.Move(moved, ClaimStatus.Accepted, actor, $"835 trace {remittance.Trace}: adjudicated", clock);
        }

        if (target is not { } next || next == moved.Status)
        {
            // Nothing moves; the payment is still recorded on the claim.
            return moved;
        }

        if (!ClaimLifecycle.AllowedFrom(moved.Status).Contains(next))
        {
            errors.Add(new(where, $"claim '{claim.Id}' is {claim.Status}; this remittance would make it {next}, which its lifecycle does not allow (from {moved.Status}: {string.Join(", ", ClaimLifecycle.AllowedFrom(moved.Status))})"));
            return null;
        }

        return ClaimLifecycle.Move(moved, next, actor, reason, clock);
    }

    private static ClaimStatus Decide(RemittanceClaim clp, ClaimPayment payment)
    {
        if (clp.StatusCode is "4" or "23")
        {
            return ClaimStatus.Denied;
        }

        // A line (or a claim without lines) is allowed when the payer paid something or the patient owes something.
        var allowed = payment.Lines.Count == 0
            ? [payment.Paid != 0 || payment.PatientResponsibility != 0]
            : payment.Lines.Select(l => l.Paid != 0 || l.PatientResponsibility != 0).ToList();
        return allowed.All(a => a) ? ClaimStatus.Paid : allowed.Any(a => a) ? ClaimStatus.PartiallyPaid : ClaimStatus.Denied;
    }

    private static string Adjustments(ClaimPayment payment)
    {
        var all = payment.Adjustments.Concat(payment.Lines.SelectMany(l => l.Adjustments))
            .GroupBy(a => $"{a.Group}-{a.Reason}", StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Sum(a => a.Amount):0.00}"))
            .ToList();
        return all.Count == 0 ? string.Empty : $"; {string.Join(", ", all)}";
    }
}
