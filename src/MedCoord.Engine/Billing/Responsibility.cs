using System.Globalization;
using System.Text;
using MedCoord.Scheduling.Validation;

namespace MedCoord.Engine.Billing;

/// <summary>One service line to estimate: its number, its benefit category, its charge and the fee schedule's amount.</summary>
/// <param name="Line">The line number (1-based, as on the claim).</param>
/// <param name="Category">The benefit category, which decides its copay (for example <c>office-visit</c>, <c>lab</c>).</param>
/// <param name="Charge">The charge, in currency units with at most two decimals.</param>
/// <param name="FeeScheduleAmount">The payer's fee schedule amount for the line (all units); null when no entry prices it, and the charge is the allowed amount.</param>
public sealed record ChargeLine(int Line, string Category, decimal Charge, decimal? FeeScheduleAmount = null);

/// <summary>What the patient owes for one line, and why.</summary>
/// <param name="Line">The line number.</param>
/// <param name="Charge">The charge.</param>
/// <param name="Copay">The copay.</param>
/// <param name="Deductible">The part that goes to the deductible.</param>
/// <param name="Coinsurance">The patient's coinsurance share of the rest.</param>
/// <param name="CappedBy">How much the out-of-pocket maximum took off what the patient would otherwise owe.</param>
/// <param name="Allowed">The allowed amount the shares are computed on.</param>
/// <param name="Source">Whether the allowed amount came from a fee schedule or fell back to the charge.</param>
public sealed record LineResponsibility(int Line, decimal Charge, decimal Copay, decimal Deductible, decimal Coinsurance, decimal CappedBy, decimal Allowed, AllowedSource Source)
{
    /// <summary>Gets what the patient owes for the line.</summary>
    public decimal Patient => Copay + Deductible + Coinsurance;

    /// <summary>Gets what the plan pays for the line.</summary>
    public decimal Plan => Allowed - Patient;

    /// <summary>Gets the part of the charge above the allowed amount, which neither the plan nor the patient pays.</summary>
    public decimal NotAllowed => Charge - Allowed;
}

/// <summary>
/// What the patient owes for a claim, line by line, and where the accumulators stand afterwards. The lines are the plan's
/// own benefit calculation, as if it were billed first; when earlier payers paid on the claim (coordination of
/// benefits), <see cref="Plan"/> and <see cref="Patient"/> are what is left after them: the plan pays its own benefit
/// at most up to the <see cref="Balance"/>, and the patient owes the rest of that balance.
/// </summary>
/// <param name="Lines">Each line.</param>
/// <param name="DeductibleRemaining">Deductible left after the claim.</param>
/// <param name="OutOfPocketRemaining">Out-of-pocket maximum left after the claim.</param>
/// <param name="EarlierPayersPaid">What the payers that decided before this plan paid on the claim (their AMT*D); 0 when the claim goes to the primary.</param>
/// <param name="EarlierPayersContractual">
/// The largest contractual write-off (adjustment group CO, claim and line level) of one earlier payer: the provider may
/// not collect it from anyone; 0 when there is none.
/// </param>
public sealed record ClaimResponsibility(IReadOnlyList<LineResponsibility> Lines, decimal DeductibleRemaining, decimal OutOfPocketRemaining, decimal EarlierPayersPaid = 0,
    decimal EarlierPayersContractual = 0)
{
    /// <summary>Gets the total charge.</summary>
    public decimal Charge => Lines.Sum(l => l.Charge);

    /// <summary>Gets the total allowed amount.</summary>
    public decimal Allowed => Lines.Sum(l => l.Allowed);

    /// <summary>
    /// Gets the balance left for this plan and the patient after the earlier payers: what may be collected at all — this
    /// plan's allowed amount, or the charge less an earlier payer's contractual write-off when that is lower — less what
    /// the earlier payers paid, never below zero. Without earlier payers it is the allowed amount.
    /// </summary>
    public decimal Balance => Math.Max(0, Math.Min(Allowed, Charge - EarlierPayersContractual) - EarlierPayersPaid);

    /// <summary>Gets what the plan pays in all: its own benefit (the lines' plan amounts), at most the <see cref="Balance"/>.</summary>
    public decimal Plan => Math.Min(Lines.Sum(l => l.Plan), Balance);

    /// <summary>Gets what the patient owes in all: the rest of the <see cref="Balance"/> after the plan's payment (the lines' patient amounts when no earlier payer paid).</summary>
    public decimal Patient => Balance - Plan;

    /// <summary>A breakdown for a billing clerk: one row per line (its allowed amount marked <c>fee schedule</c> or <c>charge</c>), then the totals and the accumulators left.</summary>
    /// <returns>The text.</returns>
    public string Describe()
    {
        static string M(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine("line     charge    allowed  allowed from      copay  deductible  coinsurance   patient      plan");
        foreach (var l in Lines)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{l.Line,4} {M(l.Charge),10} {M(l.Allowed),10}  {(l.Source == AllowedSource.FeeSchedule ? "fee schedule" : "charge"),-12} {M(l.Copay),10} {M(l.Deductible),11} {M(l.Coinsurance),12} {M(l.Patient),9} {M(l.Plan),9}{(l.CappedBy > 0 ? $"  (out-of-pocket maximum reached: {M(l.CappedBy)} less)" : string.Empty)}");
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"total {M(Charge),9} {M(Allowed),10}  {string.Empty,-12} {M(Lines.Sum(l => l.Copay)),10} {M(Lines.Sum(l => l.Deductible)),11} {M(Lines.Sum(l => l.Coinsurance)),12} {M(Lines.Sum(l => l.Patient)),9} {M(Lines.Sum(l => l.Plan)),9}");
        if (EarlierPayersPaid > 0 || EarlierPayersContractual > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"earlier payers paid {M(EarlierPayersPaid)}{(EarlierPayersContractual > 0 ? $" (contractual write-off {M(EarlierPayersContractual)})" : string.Empty)}, leaving a balance of {M(Balance)}: the plan pays {M(Plan)}, the patient owes {M(Patient)}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"deductible left {M(DeductibleRemaining)}, out-of-pocket maximum left {M(OutOfPocketRemaining)}");
        return text.ToString();
    }
}

/// <summary>
/// Estimates the patient's share, line by line in claim order, carrying the deductible and out-of-pocket maximum met so
/// far from line to line: first the category's copay (at most the charge); the rest of the charge goes to the deductible
/// left, and the patient pays the plan's coinsurance percentage of what remains. Deductible and coinsurance together
/// never take the out-of-pocket maximum past its amount; copays count toward the deductible and toward (and are capped
/// by) the maximum as the plan says. Shares are computed on the allowed amount: the lesser of the fee schedule's amount
/// and the charge, or the charge when no fee schedule entry prices the line. Coinsurance is rounded to the cent, halves
/// away from zero, per line. A claim billed after earlier payers is estimated by coordination of benefits: see
/// <see cref="ClaimResponsibility"/>. Thread safe.
/// </summary>
public static class ResponsibilityEstimator
{
    /// <summary>The estimate.</summary>
    /// <param name="benefits">The plan's benefits, with the accumulators as they stand before the claim.</param>
    /// <param name="lines">The lines, in claim order.</param>
    /// <returns>The breakdown.</returns>
    /// <exception cref="ValidationException">A charge is negative or has more than two decimals, or the benefits are out of range (paths <c>benefits</c>, <c>lines[1].charge</c>).</exception>
    public static ClaimResponsibility Estimate(Benefits benefits, IReadOnlyList<ChargeLine> lines)
    {
        ArgumentNullException.ThrowIfNull(benefits);
        ArgumentNullException.ThrowIfNull(lines);
        if (benefits.CoinsurancePercent is < 0 or > 100 || benefits.Deductible.Amount < 0 || benefits.Deductible.Met < 0
            || benefits.OutOfPocketMaximum.Amount < 0 || benefits.OutOfPocketMaximum.Met < 0 || benefits.Copays.Values.Any(c => c < 0))
        {
            throw new ValidationException([new ValidationError(nameof(benefits), "coinsurance must be 0 to 100 %, and amounts, amounts met and copays must not be negative")], "estimate input", nameof(benefits));
        }

        var deductibleLeft = benefits.Deductible.Remaining;
        var outOfPocketLeft = benefits.OutOfPocketMaximum.Remaining;
        var result = new List<LineResponsibility>();
        var errors = new List<ValidationError>();
        for (var k = 0; k < lines.Count; k++)
        {
            if (lines[k].Charge is var charge && (charge < 0 || decimal.Round(charge, 2) != charge))
            {
                errors.Add(new ValidationError($"{nameof(lines)}[{k}].charge", string.Create(CultureInfo.InvariantCulture, $"must be a non-negative amount with at most two decimals, found {charge}")));
            }

            if (lines[k].FeeScheduleAmount is { } scheduled && (scheduled < 0 || decimal.Round(scheduled, 2) != scheduled))
            {
                errors.Add(new ValidationError($"{nameof(lines)}[{k}].feeScheduleAmount", string.Create(CultureInfo.InvariantCulture, $"must be a non-negative amount with at most two decimals, found {scheduled}")));
            }
        }

        ValidationException.ThrowIfAny(errors, "estimate input", nameof(lines));
        foreach (var line in lines)
        {

            var allowed = Math.Min(line.FeeScheduleAmount ?? line.Charge, line.Charge);
            var copay = Math.Min(benefits.Copays.GetValueOrDefault(line.Category), allowed);
            var copayCapped = 0m;
            if (benefits.CopayCountsTowardOutOfPocket)
            {
                copayCapped = copay - Math.Min(copay, outOfPocketLeft);
                copay -= copayCapped;
                outOfPocketLeft -= copay;
            }

            if (benefits.CopayCountsTowardDeductible)
            {
                deductibleLeft = Math.Max(0, deductibleLeft - copay);
            }

            var rest = allowed - copay - copayCapped;
            var toDeductible = Math.Min(deductibleLeft, rest);
            var coinsurance = decimal.Round((rest - toDeductible) * benefits.CoinsurancePercent / 100m, 2, MidpointRounding.AwayFromZero);
            var uncapped = toDeductible + coinsurance;
            var deductible = Math.Min(toDeductible, outOfPocketLeft);
            coinsurance = Math.Min(coinsurance, outOfPocketLeft - deductible);
            deductibleLeft -= deductible;
            outOfPocketLeft -= deductible + coinsurance;
            result.Add(new LineResponsibility(line.Line, line.Charge, copay, deductible, coinsurance, copayCapped + uncapped - deductible - coinsurance,
                allowed, line.FeeScheduleAmount is null ? AllowedSource.Charge : AllowedSource.FeeSchedule));
        }

        return new ClaimResponsibility(result, deductibleLeft, outOfPocketLeft);
    }

    /// <summary>
    /// The estimate of a claim, its lines priced by the fee schedule of its payer and plan where one has an entry; when
    /// earlier payers decided the claim, what they paid is taken off first (coordination of benefits).
    /// </summary>
    /// <param name="claim">The claim.</param>
    /// <param name="feeSchedules">Every fee schedule (the claim's payer's is found by <see cref="FeeSchedules.For"/>).</param>
    /// <returns>The breakdown.</returns>
    /// <exception cref="ArgumentException">A charge or the benefits are out of range.</exception>
    public static ClaimResponsibility Estimate(Claim claim, IReadOnlyList<FeeSchedule> feeSchedules)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var schedule = FeeSchedules.For(feeSchedules, claim.Coverage);
        return Estimate(claim.Coverage.Benefits, [.. claim.Lines.Select((l, i) => new ChargeLine(i + 1, l.Category, l.Charge, FeeSchedules.Allowed(schedule, l)))])
            with
            {
                EarlierPayersPaid = (claim.PriorPayers ?? []).Sum(p => p.Paid),
                EarlierPayersContractual = (claim.PriorPayers ?? []).Select(Contractual).DefaultIfEmpty(0).Max(),
            };
    }

    /// <summary>An earlier payer's contractual write-off: its CO adjustments, claim and line level.</summary>
    private static decimal Contractual(PriorPayer prior) =>
        (prior.Adjustments ?? []).Concat((prior.Lines ?? []).SelectMany(l => l.Adjustments ?? [])).Where(a => a.Group == "CO").Sum(a => a.Amount);
}
