using System.Globalization;
using NodaTime;

namespace MedCoord.Engine.Billing;

/// <summary>Whether a claim is new, replaces a claim the payer already has, or voids it (the 837P's CLM05-3: 1, 7 or 8).</summary>
public enum ClaimFrequency
{
    /// <summary>A first submission (1).</summary>
    Original,

    /// <summary>Replaces a claim the payer has adjudicated (7); carries the payer's claim number.</summary>
    Replacement,

    /// <summary>Voids a claim the payer has adjudicated (8); carries the payer's claim number.</summary>
    Void,
}

/// <summary>The claim filing indicator codes of the 5010 837P (SBR09 in loops 2000B and 2320). Thread safe.</summary>
public static class ClaimFilingIndicators
{
    /// <summary>
    /// Gets every code: 11 other non-federal programs, 12 PPO, 13 POS, 14 EPO, 15 indemnity, 16 HMO Medicare risk,
    /// 17 dental maintenance organisation, AM automobile medical, BL Blue Cross/Blue Shield, CH CHAMPUS (TRICARE),
    /// CI commercial insurance, DS disability, FI Federal Employees Program, HM HMO, LM liability medical, MA Medicare
    /// Part A, MB Medicare Part B, MC Medicaid, OF other federal program, TV Title V, VA Veterans Affairs plan,
    /// WC workers' compensation, ZZ mutually defined.
    /// </summary>
    public static IReadOnlyList<string> All { get; } =
        ["11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH", "CI", "DS", "FI", "HM", "LM", "MA", "MB", "MC", "OF", "TV", "VA", "WC", "ZZ"];

    /// <summary>Whether a code is on the list.</summary>
    /// <param name="code">The code.</param>
    /// <returns>True when it is.</returns>
    public static bool IsValid(string? code) => code is not null && All.Contains(code, StringComparer.Ordinal);
}

/// <summary>One adjustment a payer made (an X12 CAS entry).</summary>
/// <param name="Group">The claim adjustment group: CO contractual, CR correction, OA other, PI payer initiated, PR patient responsibility.</param>
/// <param name="Reason">The claim adjustment reason code (CARC), 1 to 5 letters or digits, for example <c>45</c> or <c>1</c>.</param>
/// <param name="Amount">The amount (at most two decimals, not zero; negative reverses an adjustment).</param>
public sealed record PayerAdjustment(string Group, string Reason, decimal Amount);

/// <summary>What an earlier payer decided on one service line (loop 2430).</summary>
/// <param name="Line">The line (1-based, as on the claim).</param>
/// <param name="Paid">What the payer paid for the line.</param>
/// <param name="Adjustments">The line's adjustments; the paid amount and the adjustments add up to the line's charge.</param>
public sealed record PriorLineAdjudication(int Line, decimal Paid, IReadOnlyList<PayerAdjustment> Adjustments);

/// <summary>
/// A payer that adjudicated the claim before the payer it is sent to, for coordination of benefits (loops 2320, 2330A,
/// 2330B and 2430 of the 837P). The first prior payer is the primary, the claim goes to the next in line.
/// </summary>
/// <param name="PayerId">The payer's id (2330B NM109), 2 to 80 characters.</param>
/// <param name="PayerName">The payer's name.</param>
/// <param name="MemberId">The subscriber's member id with that payer (2330A NM109).</param>
/// <param name="PlanId">The group number with that payer (2320 SBR03), or null.</param>
/// <param name="Subscriber">The subscriber of that coverage.</param>
/// <param name="Relationship">How the patient is related to that subscriber (2320 SBR02).</param>
/// <param name="ClaimFilingIndicator">That coverage's claim filing indicator (2320 SBR09), one of <see cref="ClaimFilingIndicators.All"/>.</param>
/// <param name="AdjudicatedOn">When that payer decided (DTP*573).</param>
/// <param name="Paid">What it paid on the claim (2320 AMT*D).</param>
/// <param name="Adjustments">Its claim-level adjustments (2320 CAS).</param>
/// <param name="Lines">Its line-level decisions (2430); empty when it decided at claim level only.</param>
/// <param name="PayerClaimNumber">Its claim control number, when known (2330B REF*F8).</param>
/// <param name="MedicareSecondaryType">
/// Why Medicare was not that payer's turn first, as the insurance type code (2320 SBR05): required exactly when that
/// payer is Medicare (claim filing indicator <c>MA</c> or <c>MB</c>) and not the primary (it is not the first prior
/// payer); null otherwise. The codes are those of <see cref="Coverage.MedicareSecondaryType"/>.
/// </param>
public sealed record PriorPayer(
    string PayerId,
    string PayerName,
    string MemberId,
    string? PlanId,
    Person Subscriber,
    SubscriberRelationship Relationship,
    string ClaimFilingIndicator,
    LocalDate AdjudicatedOn,
    decimal Paid,
    IReadOnlyList<PayerAdjustment> Adjustments,
    IReadOnlyList<PriorLineAdjudication> Lines,
    string? PayerClaimNumber = null,
    string? MedicareSecondaryType = null);

/// <summary>The checks of what a claim carries for its submission: frequency, authorisations and earlier payers.</summary>
internal static class SubmissionRules
{
    /// <summary>Most earlier payers on one claim (the claim then goes to the tertiary payer).</summary>
    public const int MaxPriorPayers = 2;

    private static readonly string[] Groups = ["CO", "CR", "OA", "PI", "PR"];

    /// <summary>The authorisation on file for a line: same service, its dates covering the date of service.</summary>
    public static Authorization? AuthorizationFor(Coverage coverage, ServiceLine line) =>
        (coverage.Authorizations ?? []).FirstOrDefault(a => a is not null && a.ProcedureCode == line.ProcedureCode && a.From <= line.DateOfService && line.DateOfService <= a.To);

    public static void Check(Action<string, string?> add, Claim claim)
    {
        var frequency = claim.Frequency;
        add("frequency", Enum.IsDefined(frequency) ? null : "must be original, replacement or void");
        if (frequency is ClaimFrequency.Replacement or ClaimFrequency.Void)
        {
            add("payerClaimNumber", claim.PayerClaimNumber is null ? "a replacement or void needs the payer's claim number" : ClaimValidator.Text(claim.PayerClaimNumber, 50));
        }
        else if (claim.PayerClaimNumber is not null)
        {
            add("payerClaimNumber", "only a replacement or void carries the payer's claim number");
        }

        if (claim.Coverage is { } coverage)
        {
            add("coverage.claimFilingIndicator", ClaimFilingIndicators.IsValid(coverage.ClaimFilingIndicator) ? null : $"must be one of {string.Join(", ", ClaimFilingIndicators.All)}");
            add("coverage.medicareSecondaryType", MedicareSecondaryType(coverage.MedicareSecondaryType, coverage.ClaimFilingIndicator, secondary: (claim.PriorPayers ?? []).Count > 0));
            Authorizations(add, claim, coverage);
        }

        var priors = claim.PriorPayers ?? [];
        if (priors.Count > MaxPriorPayers)
        {
            add("priorPayers", $"at most {MaxPriorPayers} earlier payers, found {priors.Count}");
        }

        for (var k = 0; k < priors.Count; k++)
        {
            Prior(add, $"priorPayers[{k}]", priors[k], claim);
            if (priors[k] is { } prior)
            {
                add($"priorPayers[{k}].medicareSecondaryType", MedicareSecondaryType(prior.MedicareSecondaryType, prior.ClaimFilingIndicator, secondary: k > 0));
            }

            if (priors[k] is not null && priors.Take(k).Any(p => p is not null && p.PayerId == priors[k].PayerId))
            {
                add($"priorPayers[{k}].payerId", "the same payer as an earlier entry");
            }
        }
    }

    /// <summary>
    /// SBR05 of 2000B (the payer billed) or 2320 (an earlier payer): the guide requires the insurance type code when that
    /// payer is Medicare (SBR09 MA or MB) and not the primary (SBR01 not P), and does not send it otherwise.
    /// </summary>
    private static string? MedicareSecondaryType(string? type, string? filingIndicator, bool secondary)
    {
        var required = secondary && filingIndicator is "MA" or "MB";
        var codes = string.Join(", ", X12CodeLists.MedicareSecondaryTypes);
        if (type is null)
        {
            return required ? $"required when Medicare ({filingIndicator}) is not the primary payer: why Medicare is secondary (SBR05), one of {codes}" : null;
        }

        if (!X12CodeLists.MedicareSecondaryTypes.Contains(type, StringComparer.Ordinal))
        {
            return $"'{type}' is not a Medicare secondary payer type (SBR05); one of {codes}";
        }

        return required ? null : "only for Medicare (claim filing indicator MA or MB) when it is not the primary payer; the 837P does not send it otherwise";
    }

    private static void Authorizations(Action<string, string?> add, Claim claim, Coverage coverage)
    {
        var onFile = coverage.Authorizations ?? [];
        for (var k = 0; k < onFile.Count; k++)
        {
            var path = $"coverage.authorizations[{k}]";
            if (onFile[k] is not { } authorization)
            {
                add(path, "must not be null");
                continue;
            }

            add($"{path}.number", ClaimValidator.Text(authorization.Number, 50));
            add($"{path}.procedureCode", Codes.CheckProcedure(authorization.ProcedureCode));
            add($"{path}.to", authorization.To < authorization.From ? "before its from date" : null);
        }

        var required = coverage.Benefits?.PriorAuthorization ?? [];
        var lines = claim.Lines ?? [];
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is not { } line || !required.Contains(line.ProcedureCode, StringComparer.Ordinal) || AuthorizationFor(coverage, line) is not null)
            {
                continue;
            }

            var other = onFile.FirstOrDefault(a => a is not null && a.ProcedureCode == line.ProcedureCode);
            add($"lines[{i}].procedureCode", other is null
                ? $"{line.ProcedureCode} needs a prior authorisation and none is on file"
                : $"{line.ProcedureCode} needs a prior authorisation; authorisation '{other.Number}' does not cover the date of service (expired or not yet in force)");
        }
    }

    private static void Prior(Action<string, string?> add, string path, PriorPayer? prior, Claim claim)
    {
        if (prior is null)
        {
            add(path, "must not be null");
            return;
        }

        add($"{path}.payerId", ClaimValidator.Text(prior.PayerId, 80, minLength: 2));
        add($"{path}.payerName", ClaimValidator.Text(prior.PayerName, 60));
        add($"{path}.memberId", ClaimValidator.Text(prior.MemberId, 80, minLength: 2));
        add($"{path}.planId", prior.PlanId is null ? null : ClaimValidator.Text(prior.PlanId, 50));
        add($"{path}.payerClaimNumber", prior.PayerClaimNumber is null ? null : ClaimValidator.Text(prior.PayerClaimNumber, 50));
        add($"{path}.claimFilingIndicator", ClaimFilingIndicators.IsValid(prior.ClaimFilingIndicator) ? null : $"must be one of {string.Join(", ", ClaimFilingIndicators.All)}");
        add($"{path}.relationship", Enum.IsDefined(prior.Relationship) ? null : "must be self, spouse, child or other");
        ClaimValidator.Person(add, $"{path}.subscriber", prior.Subscriber);
        if (prior.Relationship == SubscriberRelationship.Self && prior.Subscriber is not null && claim.Patient is not null && prior.Subscriber.Id != claim.Patient.Id)
        {
            add($"{path}.relationship", $"Self, but the subscriber '{prior.Subscriber.Id}' is not the patient '{claim.Patient.Id}'");
        }

        add($"{path}.paid", Money(prior.Paid, allowNegative: false));
        var lines = claim.Lines ?? [];
        if (lines.Any(l => l is not null && l.DateOfService > prior.AdjudicatedOn))
        {
            add($"{path}.adjudicatedOn", "before a date of service on the claim");
        }

        var adjusted = Adjustments(add, $"{path}.adjustments", prior.Adjustments);
        var decisions = prior.Lines ?? [];
        for (var k = 0; k < decisions.Count; k++)
        {
            var linePath = $"{path}.lines[{k}]";
            if (decisions[k] is not { } decision)
            {
                add(linePath, "must not be null");
                continue;
            }

            add($"{linePath}.paid", Money(decision.Paid, allowNegative: false));
            var lineAdjusted = Adjustments(add, $"{linePath}.adjustments", decision.Adjustments);
            adjusted += lineAdjusted;
            if (decision.Line < 1 || decision.Line > lines.Count || lines[decision.Line - 1] is null)
            {
                add($"{linePath}.line", $"the claim has no line {decision.Line}");
            }
            else if (decisions.Take(k).Any(d => d is not null && d.Line == decision.Line))
            {
                add($"{linePath}.line", $"line {decision.Line} is decided twice");
            }
            else if (decision.Paid + lineAdjusted != lines[decision.Line - 1].Charge)
            {
                add(linePath, Invariant($"paid {decision.Paid} and adjustments {lineAdjusted} do not add up to the line's charge {lines[decision.Line - 1].Charge}"));
            }
        }

        if (decisions.Count > 0 && decisions.Where(d => d is not null).Sum(d => d.Paid) != prior.Paid)
        {
            add($"{path}.paid", Invariant($"{prior.Paid} is not the sum of the lines' paid amounts {decisions.Where(d => d is not null).Sum(d => d.Paid)}"));
        }

        var total = lines.Where(l => l is not null).Sum(l => l.Charge);
        if (prior.Paid + adjusted != total)
        {
            add(path, Invariant($"paid {prior.Paid} and all adjustments {adjusted} do not add up to the claim's charge {total}"));
        }
    }

    private static decimal Adjustments(Action<string, string?> add, string path, IReadOnlyList<PayerAdjustment>? adjustments)
    {
        var list = adjustments ?? [];
        var sum = 0m;
        for (var k = 0; k < list.Count; k++)
        {
            if (list[k] is not { } adjustment)
            {
                add($"{path}[{k}]", "must not be null");
                continue;
            }

            add($"{path}[{k}].group", Groups.Contains(adjustment.Group, StringComparer.Ordinal) ? null : "must be CO, CR, OA, PI or PR");
            add($"{path}[{k}].reason", adjustment.Reason is { Length: >= 1 and <= 5 } r && r.All(c => char.IsAsciiDigit(c) || c is >= 'A' and <= 'Z')
                ? null : "must be a claim adjustment reason code: 1 to 5 upper-case letters or digits");
            add($"{path}[{k}].amount", adjustment.Amount == 0 ? "must not be zero" : Money(adjustment.Amount, allowNegative: true));
            sum += adjustment.Amount;
        }

        if (list.Where(a => a is not null).GroupBy(a => a.Group).Any(g => g.Count() > 6))
        {
            add(path, "at most 6 adjustments per group");
        }

        return sum;
    }

    private static string? Money(decimal amount, bool allowNegative) =>
        (amount < 0 && !allowNegative) || decimal.Round(amount, 2) != amount || Math.Abs(amount) > 99_999_999
            ? Invariant($"must be {(allowNegative ? "an" : "a non-negative")} amount with at most two decimals, found {amount}")
            : null;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
