using MedCoord.Engine.Billing;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>
/// The responsibility estimate of a claim billed after earlier payers (standard coordination of benefits): the plan's
/// own benefit is computed as if it were primary; the balance is its allowed amount less what the earlier payers paid;
/// the plan pays its benefit up to that balance and the patient owes the rest; an earlier payer's contractual write-off
/// (CO) is never collected. Amounts worked out by hand.
/// </summary>
public sealed class CoordinationOfBenefitsTests
{
    private static readonly LocalDate Served = new(2026, 11, 16);
    private static readonly Person Jo = new("pat-1", "Doe", "Jo", new LocalDate(1980, 1, 2), "F", new Address("1 Main St", "Denver", "CO", "80202"));

    /// <summary>
    /// The secondary plan: 100.00 of its deductible left (400 of 500 met), 20 % coinsurance, no copays. One 200.00 line
    /// priced at the charge: as primary the patient pays 100.00 deductible + 20 % of 100.00 = 120.00 and the plan 80.00.
    /// </summary>
    private static Claim Secondary(decimal charge = 200m, params decimal[] earlierPaid) => Secondary(charge, [.. earlierPaid.Select(paid => (paid, Array.Empty<PayerAdjustment>()))]);

    private static Claim Secondary(decimal charge, (decimal Paid, PayerAdjustment[] Adjustments)[] earlier) => new(
        "CLM-1",
        "visit-1",
        Jo,
        new Coverage("cov-2", "SECOND01", "Second Mutual", "SG-1", "SM-1", Jo, SubscriberRelationship.Self, new LocalDate(2026, 1, 1), null,
            new Benefits(new Dictionary<string, decimal>(), new Accumulator(500, 400), 20, new Accumulator(5000, 0), []), []),
        new ClaimProvider("1234567893", "Riverside Family Clinic", true, "841234567", new Address("400 River Rd", "Denver", "CO", "802021234")),
        null,
        ["I10"],
        [new ServiceLine("99214", [], 1, charge, [1], "11", Served, "office-visit")],
        ClaimStatus.Draft,
        [],
        PriorPayers: [.. earlier.Select((e, k) => new PriorPayer($"PAYER{k}", "Earlier Plan", "E-1", null, Jo, SubscriberRelationship.Self, "CI", Served.PlusDays(10), e.Paid, e.Adjustments, []))]);

    /// <summary>Primary paid 90.00: balance 200 − 90 = 110; the plan pays its 80.00 benefit (below 110); the patient owes 110 − 80 = 30.00.</summary>
    [Fact]
    public void Estimate_PrimaryPaidLessThanThePlansBalance_PlanPaysItsBenefitAndThePatientTheRest()
    {
        var estimate = ResponsibilityEstimator.Estimate(Secondary(200m, 90m), []);

        Assert.Equal((90m, 110m, 80m, 30m), (estimate.EarlierPayersPaid, estimate.Balance, estimate.Plan, estimate.Patient));
        Assert.Equal((100m, 20m, 120m, 80m), (estimate.Lines[0].Deductible, estimate.Lines[0].Coinsurance, estimate.Lines[0].Patient, estimate.Lines[0].Plan));
    }

    /// <summary>Primary paid 150.00: balance 50; the plan pays 50.00 (less than its 80.00 benefit); the patient owes nothing.</summary>
    [Fact]
    public void Estimate_PrimaryPaidMoreThanThePatientsShare_PlanPaysTheBalanceAndThePatientNothing()
    {
        var estimate = ResponsibilityEstimator.Estimate(Secondary(200m, 150m), []);

        Assert.Equal((50m, 50m, 0m), (estimate.Balance, estimate.Plan, estimate.Patient));
    }

    /// <summary>Primary paid 250.00, above the plan's 200.00 allowed amount: nothing is left for the plan or the patient.</summary>
    [Fact]
    public void Estimate_PrimaryPaidAboveThePlansAllowedAmount_NothingLeft()
    {
        var estimate = ResponsibilityEstimator.Estimate(Secondary(200m, 250m), []);

        Assert.Equal((0m, 0m, 0m), (estimate.Balance, estimate.Plan, estimate.Patient));
    }

    /// <summary>A tertiary claim: the primary paid 60.00 and the secondary 20.00, 80.00 in all; balance 120; the plan pays 80.00; the patient owes 40.00.</summary>
    [Fact]
    public void Estimate_TwoEarlierPayers_BothPaymentsComeOff()
    {
        var estimate = ResponsibilityEstimator.Estimate(Secondary(200m, 60m, 20m), []);

        Assert.Equal((80m, 120m, 80m, 40m), (estimate.EarlierPayersPaid, estimate.Balance, estimate.Plan, estimate.Patient));
    }

    /// <summary>
    /// The plan's fee schedule allows 150.00 of the 200.00 charge: as primary 100.00 deductible + 20 % of 50.00 = 110.00,
    /// plan 40.00. Primary paid 100.00: balance 150 − 100 = 50; the plan pays 40.00; the patient owes 10.00.
    /// </summary>
    [Fact]
    public void Estimate_FeeScheduleAllowed_BalanceIsThePlansOwnAllowedAmountLessThePrimaryPayment()
    {
        var schedule = new FeeSchedule("SECOND01", null, [new FeeScheduleEntry("99214", [], 150m)]);

        var estimate = ResponsibilityEstimator.Estimate(Secondary(200m, 100m), [schedule]);

        Assert.Equal((150m, 110m, 50m, 40m, 10m), (estimate.Allowed, estimate.Lines[0].Patient, estimate.Balance, estimate.Plan, estimate.Patient));
    }

    /// <summary>Billed to the primary (no earlier payer): the plan's own benefit, as before.</summary>
    [Fact]
    public void Estimate_NoEarlierPayer_IsThePlansOwnBenefit()
    {
        var estimate = ResponsibilityEstimator.Estimate(Secondary(200m), []);

        Assert.Equal((0m, 200m, 80m, 120m), (estimate.EarlierPayersPaid, estimate.Balance, estimate.Plan, estimate.Patient));
        Assert.DoesNotContain("earlier payers", estimate.Describe(), StringComparison.Ordinal);
    }

    /// <summary>The printed estimate: the total row is the plan's own calculation; the line under it takes off the earlier payment.</summary>
    [Fact]
    public void Describe_SecondaryClaim_ShowsTheBalanceAfterTheEarlierPayment()
    {
        var text = ResponsibilityEstimator.Estimate(Secondary(200m, 90m), []).Describe();

        Assert.Equal(
            """
            line     charge    allowed  allowed from      copay  deductible  coinsurance   patient      plan
               1     200.00     200.00  charge             0.00      100.00        20.00    120.00     80.00
            total    200.00     200.00                     0.00      100.00        20.00    120.00     80.00
            earlier payers paid 90.00, leaving a balance of 110.00: the plan pays 80.00, the patient owes 30.00
            deductible left 0.00, out-of-pocket maximum left 4880.00

            """.ReplaceLineEndings(Environment.NewLine),
            text);
    }

    /// <summary>
    /// Primary paid nothing and wrote off 100.00 by contract (CO 50): at most 200 − 100 = 100.00 may be collected; the
    /// plan pays its 80.00 benefit, the patient owes 20.00, and the printed estimate says so under the total row.
    /// </summary>
    [Fact]
    public void Describe_EarlierPayerPaidNothing_StillShowsTheBalanceAfterItsWriteOff()
    {
        var estimate = ResponsibilityEstimator.Estimate(Secondary(200m, [(0m, [new PayerAdjustment("CO", "50", 100m)])]), []);

        Assert.Equal((0m, 100m, 100m, 80m, 20m), (estimate.EarlierPayersPaid, estimate.EarlierPayersContractual, estimate.Balance, estimate.Plan, estimate.Patient));
        Assert.Contains("earlier payers paid 0.00 (contractual write-off 100.00), leaving a balance of 100.00: the plan pays 80.00, the patient owes 20.00", estimate.Describe(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Primary paid 30.00 and wrote off 20.00 by contract (CO 45), the patient's part 150.00 (PR 1): at most 200 − 20 =
    /// 180.00 may be collected; balance 180 − 30 = 150; the plan pays its 80.00 benefit; the patient owes 70.00.
    /// </summary>
    [Fact]
    public void Estimate_PrimaryContractualWriteOff_IsNeverCollected()
    {
        var estimate = ResponsibilityEstimator.Estimate(Secondary(200m, [(30m, [new PayerAdjustment("CO", "45", 20m), new PayerAdjustment("PR", "1", 150m)])]), []);

        Assert.Equal((20m, 150m, 80m, 70m), (estimate.EarlierPayersContractual, estimate.Balance, estimate.Plan, estimate.Patient));
        Assert.Contains("earlier payers paid 30.00 (contractual write-off 20.00), leaving a balance of 150.00: the plan pays 80.00, the patient owes 70.00", estimate.Describe(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Line-level CO counts too, and of two earlier payers the larger write-off binds: primary CO 60 on the line, the
    /// secondary CO 100 (it paid 10, PR 20 after the primary's 70 — each payer's adjustments balance the full charge).
    /// At most 200 − 100 = 100 may be collected; balance 100 − (70 + 10) = 20; the plan pays 20.00; the patient nothing.
    /// The primary alone: 200 − 60 = 140 collectible, balance 70, the plan pays 70.00.
    /// </summary>
    [Fact]
    public void Estimate_LineContractualWriteOffs_TheLargestOfOnePayerBinds()
    {
        var claim = Secondary(200m, 70m, 10m);
        claim = claim with
        {
            PriorPayers =
            [
                claim.PriorPayers![0] with { Lines = [new PriorLineAdjudication(1, 70m, [new PayerAdjustment("CO", "45", 60m), new PayerAdjustment("PR", "2", 70m)])] },
                claim.PriorPayers[1] with { Adjustments = [new PayerAdjustment("CO", "45", 100m), new PayerAdjustment("OA", "23", 70m), new PayerAdjustment("PR", "2", 20m)] },
            ],
        };

        var estimate = ResponsibilityEstimator.Estimate(claim, []);

        Assert.Equal((100m, 80m, 20m, 20m, 0m), (estimate.EarlierPayersContractual, estimate.EarlierPayersPaid, estimate.Balance, estimate.Plan, estimate.Patient));

        // The primary alone: its line CO 60 leaves 140 collectible; balance 140 − 70 = 70; the plan pays 70.00 of its 80.00.
        var primaryOnly = ResponsibilityEstimator.Estimate(claim with { PriorPayers = [claim.PriorPayers[0]] }, []);
        Assert.Equal((60m, 70m, 70m, 0m), (primaryOnly.EarlierPayersContractual, primaryOnly.Balance, primaryOnly.Plan, primaryOnly.Patient));
    }
}
