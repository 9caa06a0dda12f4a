using MedCoord.Engine.Billing;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>Patient responsibility examples worked by hand, and eligibility.</summary>
public sealed class ResponsibilityTests
{
    private static Benefits Plan(decimal deductible, decimal deductibleMet, decimal coinsurance, decimal oop, decimal oopMet,
        bool copayTowardDeductible = false, bool copayTowardOop = true, decimal officeCopay = 0) =>
        new(officeCopay > 0 ? new Dictionary<string, decimal> { ["office-visit"] = officeCopay } : [],
            new Accumulator(deductible, deductibleMet), coinsurance, new Accumulator(oop, oopMet), [], copayTowardDeductible, copayTowardOop);

    [Fact]
    public void Estimate_DeductiblePartlyMet_TakesWhatIsLeftThenCoinsurance()
    {
        // Deductible $1,000 with $800 met leaves $200: of a $500 charge, $200 is deductible and 20 % of the other $300 is $60.
        var estimate = ResponsibilityEstimator.Estimate(Plan(1000, 800, 20, 3000, 500), [new ChargeLine(1, "imaging", 500m)]);

        var line = Assert.Single(estimate.Lines);
        Assert.Equal((0m, 200m, 60m, 260m, 240m), (line.Copay, line.Deductible, line.Coinsurance, line.Patient, line.Plan));
        Assert.Equal((0m, 2240m), (estimate.DeductibleRemaining, estimate.OutOfPocketRemaining));
    }

    [Fact]
    public void Estimate_OutOfPocketCapReached_StopsThePatientShareAtTheCap()
    {
        // $50 left of the maximum: 20 % of $1,000 would be $200; the patient pays $50 and the plan the rest; a second line costs the patient nothing.
        var estimate = ResponsibilityEstimator.Estimate(Plan(500, 500, 20, 2000, 1950), [new ChargeLine(1, "surgery", 1000m), new ChargeLine(2, "lab", 80m)]);

        Assert.Equal((50m, 150m, 950m), (estimate.Lines[0].Patient, estimate.Lines[0].CappedBy, estimate.Lines[0].Plan));
        Assert.Equal((0m, 16m, 80m), (estimate.Lines[1].Patient, estimate.Lines[1].CappedBy, estimate.Lines[1].Plan));
        Assert.Equal((50m, 0m), (estimate.Patient, estimate.OutOfPocketRemaining));
        Assert.Contains("out-of-pocket maximum reached: 150.00 less", estimate.Describe());
    }

    [Theory]
    // Copay $30 on a $150 office visit, the other $120 to the $500 deductible. Then a $400 lab line:
    //  - copays not toward the deductible: $380 left → $380 deductible + 10 % of $20 = $2 → $382;
    //  - copays toward the deductible: $350 left → $350 deductible + 10 % of $50 = $5 → $355.
    [InlineData(false, 382, 380, 0)]
    [InlineData(true, 355, 350, 0)]
    public void Estimate_CopayTowardDeductible_OnAndOff(bool towardDeductible, decimal labPatient, decimal labDeductible, decimal deductibleLeft)
    {
        var estimate = ResponsibilityEstimator.Estimate(Plan(500, 0, 10, 6000, 0, towardDeductible, officeCopay: 30),
            [new ChargeLine(1, "office-visit", 150m), new ChargeLine(2, "lab", 400m)]);

        Assert.Equal((30m, 120m, 0m, 150m), (estimate.Lines[0].Copay, estimate.Lines[0].Deductible, estimate.Lines[0].Coinsurance, estimate.Lines[0].Patient));
        Assert.Equal((labDeductible, labPatient), (estimate.Lines[1].Deductible, estimate.Lines[1].Patient));
        Assert.Equal(deductibleLeft, estimate.DeductibleRemaining);
        Assert.Equal(6000m - 150m - labPatient, estimate.OutOfPocketRemaining);
    }

    [Fact]
    public void Estimate_CopayNotTowardTheMaximum_IsOwedEvenPastTheCap()
    {
        var estimate = ResponsibilityEstimator.Estimate(Plan(0, 0, 20, 1000, 1000, copayTowardOop: false, officeCopay: 25), [new ChargeLine(1, "office-visit", 100m)]);

        Assert.Equal((25m, 0m, 25m), (estimate.Lines[0].Copay, estimate.Lines[0].Coinsurance, estimate.Patient));
    }

    [Fact]
    public void Estimate_CoinsuranceRoundsHalfCentsAwayFromZero()
    {
        // 15 % of $10.10 is $1.515: $1.52.
        var estimate = ResponsibilityEstimator.Estimate(Plan(0, 0, 15, 5000, 0), [new ChargeLine(1, "lab", 10.10m)]);

        Assert.Equal(1.52m, estimate.Lines[0].Coinsurance);
        Assert.Throws<ArgumentException>(() => ResponsibilityEstimator.Estimate(Plan(0, 0, 15, 5000, 0), [new ChargeLine(1, "lab", 10.105m)]));
    }

    private static Coverage Coverage(params Authorization[] authorizations) => new("cov-1", "ACME", "Acme Health", "GRP-1", "M1",
        new Person("pat-1", "Doe", "Jo", new LocalDate(1980, 1, 1), "F", new Address("1 Main St", "Denver", "CO", "80202")),
        SubscriberRelationship.Self, new LocalDate(2026, 1, 1), new LocalDate(2026, 12, 31),
        new Benefits(new Dictionary<string, decimal>(), new Accumulator(0, 0), 0, new Accumulator(0, 0), ["93306"]), authorizations);

    [Fact]
    public void Eligibility_DateOutsideCoverageOrMissingAuthorization_SaysWhy()
    {
        var before = EligibilityCheck.Check(Coverage(), new LocalDate(2025, 12, 31), ["99213"]);
        var after = EligibilityCheck.Check(Coverage(), new LocalDate(2027, 1, 4), ["99213"]);
        var unauthorized = EligibilityCheck.Check(Coverage(), new LocalDate(2026, 12, 7), ["99213", "93306"]);
        var authorized = EligibilityCheck.Check(Coverage(new Authorization("AUTH-9", "93306", new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 31))), new LocalDate(2026, 12, 7), ["93306"]);

        Assert.Equal(EligibilityStatus.Inactive, before.Status);
        Assert.Equal("coverage cov-1 starts after the date of service", before.Reason);
        Assert.Equal(EligibilityStatus.Inactive, after.Status);
        Assert.Equal("coverage cov-1 ended before the date of service", after.Reason);
        Assert.Equal((EligibilityStatus.NeedsAuthorization, "93306"), (unauthorized.Status, Assert.Single(unauthorized.Unauthorized)));
        Assert.Equal(EligibilityStatus.Active, authorized.Status);
    }
}
