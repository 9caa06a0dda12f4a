using MedCoord.Engine.Billing;
using MedCoord.Scheduling.Validation;
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
        Assert.Equal("lines[0].charge", Assert.Single(Assert.Throws<ValidationException>(() => ResponsibilityEstimator.Estimate(Plan(0, 0, 15, 5000, 0), [new ChargeLine(1, "lab", 10.105m)])).Errors).Path);
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

    [Theory]
    [InlineData(2026, 1, 1, EligibilityStatus.Active)]
    [InlineData(2026, 12, 31, EligibilityStatus.Active)]
    [InlineData(2027, 1, 1, EligibilityStatus.Inactive)]
    public void Eligibility_TheCoverageDatesCountAsInForce(int year, int month, int day, EligibilityStatus expected)
    {
        var check = EligibilityCheck.Check(Coverage(), new LocalDate(year, month, day), ["99213"]);

        Assert.Equal(expected, check.Status);
        Assert.Empty(check.Unauthorized);
        if (expected == EligibilityStatus.Active)
        {
            Assert.Equal("coverage cov-1 is in force on the date of service", check.Reason);
        }
    }

    [Theory]
    [InlineData("93306", 11, 30, EligibilityStatus.NeedsAuthorization)]
    [InlineData("93306", 12, 1, EligibilityStatus.Active)]
    [InlineData("93306", 12, 10, EligibilityStatus.Active)]
    [InlineData("93306", 12, 11, EligibilityStatus.NeedsAuthorization)]
    [InlineData("99213", 12, 5, EligibilityStatus.NeedsAuthorization)]
    public void Eligibility_AnAuthorizationCoversItsOwnCodeFromItsFirstToItsLastDay(string authorizedCode, int month, int day, EligibilityStatus expected)
    {
        var coverage = Coverage(new Authorization("AUTH-9", authorizedCode, new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 10)));

        Assert.Equal(expected, EligibilityCheck.Check(coverage, new LocalDate(2026, month, day), ["93306"]).Status);
    }

    [Fact]
    public void Eligibility_MissingAuthorizations_AreNamedOnceEach_WithTheVerbAgreeing()
    {
        var coverage = Coverage() with { Benefits = Coverage().Benefits with { PriorAuthorization = ["93306", "78452"] } };

        var one = EligibilityCheck.Check(coverage, new LocalDate(2026, 12, 7), ["93306", "93306", "99213"]);
        var two = EligibilityCheck.Check(coverage, new LocalDate(2026, 12, 7), ["93306", "78452"]);

        Assert.Equal("93306 needs a prior authorisation, and none on file covers the date of service", one.Reason);
        Assert.Equal(["93306"], one.Unauthorized);
        Assert.Equal("93306, 78452 need a prior authorisation, and none on file covers the date of service", two.Reason);
        Assert.Equal(["93306", "78452"], two.Unauthorized);
        Assert.Throws<ArgumentNullException>(() => EligibilityCheck.Check(null!, new LocalDate(2026, 12, 7), []));
        Assert.Throws<ArgumentNullException>(() => EligibilityCheck.Check(coverage, new LocalDate(2025, 12, 7), null!));
    }

    private static ServiceLine Line(string code, decimal charge, decimal units = 1, params string[] modifiers) =>
        new(code, modifiers, units, charge, [1], "11", new LocalDate(2026, 11, 16), "imaging");

    private static readonly FeeSchedule PayerWide = new("ACME", null,
    [
        new FeeScheduleEntry("93306", [], 310m),
        new FeeScheduleEntry("93306", ["26"], 96m),
        new FeeScheduleEntry("93306", ["26", "59"], 90m),
        new FeeScheduleEntry("A4550", [], 7.25m),
    ]);

    private static readonly FeeSchedule PlanOnly = new("ACME", "GRP-1", [new FeeScheduleEntry("93306", [], 280m)]);

    [Fact]
    public void FeeSchedule_PlanScheduleBeforeThePayers_AndNoneForAnotherPayer()
    {
        var coverage = Coverage();

        Assert.Same(PlanOnly, FeeSchedules.For([PayerWide, PlanOnly], coverage with { PayerId = "ACME" }));
        Assert.Same(PayerWide, FeeSchedules.For([PayerWide, PlanOnly], coverage with { PayerId = "ACME", PlanId = "GRP-2" }));
        Assert.Null(FeeSchedules.For([PayerWide, PlanOnly], coverage with { PayerId = "OTHER" }));
    }

    [Theory]
    [InlineData("93306", 1, new string[0], 310)]            // the code's default price
    [InlineData("93306", 1, new[] { "26" }, 96)]            // the professional component
    [InlineData("93306", 1, new[] { "59", "26" }, 90)]      // both modifiers priced, in any order: the most specific entry
    [InlineData("93306", 1, new[] { "26", "RT" }, 96)]      // RT is not priced: the entry with 26
    [InlineData("93306", 1, new[] { "TC" }, 310)]           // TC is not priced: the default
    [InlineData("A4550", 3, new string[0], 21.75)]          // per unit times the units
    [InlineData("A4550", 1.5, new string[0], 10.88)]        // 10.875 rounds half away from zero
    public void FeeSchedule_Allowed_CodeAndModifiersTimesUnits(string code, double units, string[] modifiers, double allowed) =>
        Assert.Equal((decimal)allowed, FeeSchedules.Allowed(PayerWide, Line(code, 500m, (decimal)units, modifiers)));

    [Fact]
    public void FeeSchedule_NoEntryOrNoSchedule_IsNull()
    {
        Assert.Null(FeeSchedules.Allowed(PayerWide, Line("99213", 120m)));
        Assert.Null(FeeSchedules.Allowed(null, Line("93306", 120m)));
    }

    [Fact]
    public void Estimate_FeeScheduleAmount_IsTheAllowedAmountAndTheRestIsNotAllowed()
    {
        // Allowed $310 of a $500 charge, deductible $100 left, 20 %: $100 + 20 % of $210 = $142; the plan pays $168; $190 is not allowed.
        var estimate = ResponsibilityEstimator.Estimate(Plan(500, 400, 20, 5000, 0), [new ChargeLine(1, "imaging", 500m, 310m), new ChargeLine(2, "lab", 40m)]);

        var (scheduled, charged) = (estimate.Lines[0], estimate.Lines[1]);
        Assert.Equal((310m, AllowedSource.FeeSchedule, 100m, 42m, 142m, 168m, 190m), (scheduled.Allowed, scheduled.Source, scheduled.Deductible, scheduled.Coinsurance, scheduled.Patient, scheduled.Plan, scheduled.NotAllowed));
        Assert.Equal((40m, AllowedSource.Charge, 8m, 32m, 0m), (charged.Allowed, charged.Source, charged.Patient, charged.Plan, charged.NotAllowed));
        Assert.Equal(350m, estimate.Allowed);
        var text = estimate.Describe();
        Assert.Contains("   1     500.00     310.00  fee schedule       0.00      100.00        42.00    142.00    168.00", text);
        Assert.Contains("   2      40.00      40.00  charge             0.00        0.00         8.00      8.00     32.00", text);
    }

    [Fact]
    public void Estimate_ChargeBelowTheFeeSchedule_TheChargeIsAllowed()
    {
        var estimate = ResponsibilityEstimator.Estimate(Plan(0, 0, 10, 5000, 0, officeCopay: 30), [new ChargeLine(1, "office-visit", 25m, 98m)]);

        Assert.Equal((25m, AllowedSource.FeeSchedule, 25m, 0m), (estimate.Lines[0].Allowed, estimate.Lines[0].Source, estimate.Lines[0].Copay, estimate.Lines[0].Plan));
        Assert.Equal("The estimate input is invalid: lines[0].feeScheduleAmount: must be a non-negative amount with at most two decimals, found -1",
            Assert.Throws<ValidationException>(() => ResponsibilityEstimator.Estimate(Plan(0, 0, 10, 5000, 0), [new ChargeLine(1, "lab", 25m, -1m)])).Message);
    }

    [Fact]
    public void Estimate_Claim_PricesEachLineFromItsPayersSchedule()
    {
        var sample = ClaimTests.Sample();

        var first = ResponsibilityEstimator.Estimate(sample.Claims[0], sample.FeeSchedules!);
        var child = ResponsibilityEstimator.Estimate(sample.Claims[1], sample.FeeSchedules!);

        Assert.Equal([(142.50m, AllowedSource.FeeSchedule), (28.40m, AllowedSource.FeeSchedule), (0.01m, AllowedSource.Charge)], first.Lines.Select(l => (l.Allowed, l.Source)));
        Assert.Equal([(98m, AllowedSource.FeeSchedule), (14.50m, AllowedSource.FeeSchedule)], child.Lines.Select(l => (l.Allowed, l.Source)));
    }

    [Fact]
    public void FeeSchedules_Validate_NamesEachProblemsPath()
    {
        var problems = FeeSchedules.Validate(
        [
            new FeeSchedule("ACME", null, [new FeeScheduleEntry("9330", [], 10m), new FeeScheduleEntry("93306", ["26", "26"], -1m), new FeeScheduleEntry("93306", [], 1.005m)]),
            new FeeSchedule("", null, [new FeeScheduleEntry("99213", [], 90m), new FeeScheduleEntry("99213", [], 95m)]),
            new FeeSchedule("ACME", null, []),
        ]);

        Assert.Equal(
        [
            "feeSchedules[0].entries[0].procedureCode: procedure code: must have 5 characters, found 4",
            "feeSchedules[0].entries[1].modifiers: a modifier is listed twice",
            "feeSchedules[0].entries[1].allowed: must be a non-negative amount with at most two decimals, found -1",
            "feeSchedules[0].entries[2].allowed: must be a non-negative amount with at most two decimals, found 1.005",
            "feeSchedules[1].payerId: required",
            "feeSchedules[1].entries[1]: the same code and modifiers as an earlier entry",
            "feeSchedules[2]: a second schedule for the same payer and plan",
        ], problems.Texts());
    }

    /// <summary>The whole breakdown of a small estimate, worked by hand: a $30 copay, the $100 deductible, then 20 %.</summary>
    [Fact]
    public void Describe_TwoLines_IsExactlyThisTable()
    {
        // Line 1: $150 office visit: copay $30, $100 to the deductible, 20 % of $20 = $4; the plan pays $16.
        // Line 2: a $50 lab line the fee schedule allows at $40: 20 % of $40 = $8; the plan pays $32. Out of pocket left: 1000 − 134 − 8 = 858.
        var estimate = ResponsibilityEstimator.Estimate(Plan(100, 0, 20, 1000, 0, officeCopay: 30), [new ChargeLine(1, "office-visit", 150m), new ChargeLine(2, "lab", 50m, 40m)]);

        Assert.Equal(
            """
            line     charge    allowed  allowed from      copay  deductible  coinsurance   patient      plan
               1     150.00     150.00  charge            30.00      100.00         4.00    134.00     16.00
               2      50.00      40.00  fee schedule       0.00        0.00         8.00      8.00     32.00
            total    200.00     190.00                    30.00      100.00        12.00    142.00     48.00
            deductible left 0.00, out-of-pocket maximum left 858.00

            """.ReplaceLineEndings(Environment.NewLine),
            estimate.Describe());
        Assert.Equal((200m, 190m, 142m, 48m, 0m, 858m), (estimate.Charge, estimate.Allowed, estimate.Patient, estimate.Plan, estimate.DeductibleRemaining, estimate.OutOfPocketRemaining));
        Assert.Equal(new LineResponsibility(1, 150m, 30m, 100m, 4m, 0m, 150m, AllowedSource.Charge), estimate.Lines[0]);
        Assert.Equal(new LineResponsibility(2, 50m, 0m, 0m, 8m, 0m, 40m, AllowedSource.FeeSchedule), estimate.Lines[1]);
        Assert.Equal(10m, estimate.Lines[1].NotAllowed);
    }

    [Theory]
    [InlineData(-0.01, 0, 0, 0, 0, 0)]
    [InlineData(100.01, 0, 0, 0, 0, 0)]
    [InlineData(20, -1, 0, 0, 0, 0)]
    [InlineData(20, 0, -1, 0, 0, 0)]
    [InlineData(20, 0, 0, -1, 0, 0)]
    [InlineData(20, 0, 0, 0, -1, 0)]
    [InlineData(20, 0, 0, 0, 0, -1)]
    public void Estimate_BenefitsOutOfRange_AreRefused(double coinsurance, double deductible, double deductibleMet, double oop, double oopMet, double copay)
    {
        var benefits = new Benefits(new Dictionary<string, decimal> { ["office-visit"] = (decimal)copay }, new Accumulator((decimal)deductible, (decimal)deductibleMet), (decimal)coinsurance,
            new Accumulator((decimal)oop, (decimal)oopMet), []);

        Assert.Equal("The estimate input is invalid: benefits: coinsurance must be 0 to 100 %, and amounts, amounts met and copays must not be negative",
            Assert.Throws<ValidationException>(() => ResponsibilityEstimator.Estimate(benefits, [new ChargeLine(1, "lab", 10m)])).Message);
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(100, 0)]
    public void Estimate_CoinsuranceAtItsLimits_IsTaken(double coinsurance, double plan)
    {
        var estimate = ResponsibilityEstimator.Estimate(Plan(0, 0, (decimal)coinsurance, 5000, 0), [new ChargeLine(1, "lab", 100m)]);

        Assert.Equal(((decimal)plan, 100m - (decimal)plan), (estimate.Plan, estimate.Patient));
    }

    [Fact]
    public void Estimate_ChargeOutOfRange_NamesTheLine()
    {
        Assert.Equal("The estimate input is invalid: lines[1].charge: must be a non-negative amount with at most two decimals, found -1",
            Assert.Throws<ValidationException>(() => ResponsibilityEstimator.Estimate(Plan(0, 0, 10, 5000, 0), [new ChargeLine(1, "lab", 1m), new ChargeLine(2, "lab", -1m)])).Message);
        Assert.Equal("The estimate input is invalid: lines[0].feeScheduleAmount: must be a non-negative amount with at most two decimals, found 1.001",
            Assert.Throws<ValidationException>(() => ResponsibilityEstimator.Estimate(Plan(0, 0, 10, 5000, 0), [new ChargeLine(1, "lab", 5m, 1.001m)])).Message);
        var free = ResponsibilityEstimator.Estimate(Plan(0, 0, 10, 5000, 0), [new ChargeLine(1, "lab", 0m, 0m)]);
        Assert.Equal(new LineResponsibility(1, 0m, 0m, 0m, 0m, 0m, 0m, AllowedSource.FeeSchedule), Assert.Single(free.Lines));
    }

    [Fact]
    public void Estimate_CopayAboveTheAllowedAmount_IsTheAllowedAmount()
    {
        // A $30 copay on a visit the fee schedule allows at $20: the patient owes $20, and nothing goes to the deductible.
        var estimate = ResponsibilityEstimator.Estimate(Plan(500, 0, 20, 5000, 0, officeCopay: 30), [new ChargeLine(1, "office-visit", 80m, 20m)]);

        Assert.Equal(new LineResponsibility(1, 80m, 20m, 0m, 0m, 0m, 20m, AllowedSource.FeeSchedule), Assert.Single(estimate.Lines));
        Assert.Equal((500m, 4980m), (estimate.DeductibleRemaining, estimate.OutOfPocketRemaining));
    }

    [Fact]
    public void Estimate_CopayPastTheOutOfPocketMaximum_IsCappedAndTheCapIsReported()
    {
        // $10 left of the maximum: of a $30 copay the patient owes $10; the cap takes off the other $20 and the $10 of coinsurance, and the plan pays $70 of the $80.
        var estimate = ResponsibilityEstimator.Estimate(Plan(0, 0, 20, 1000, 990, officeCopay: 30), [new ChargeLine(1, "office-visit", 80m)]);

        Assert.Equal(new LineResponsibility(1, 80m, 10m, 0m, 0m, 30m, 80m, AllowedSource.Charge), Assert.Single(estimate.Lines));
        Assert.Equal((70m, 0m), (estimate.Plan, estimate.OutOfPocketRemaining));
        Assert.Contains("(out-of-pocket maximum reached: 30.00 less)", estimate.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_CopayTowardTheDeductible_NeverTakesItBelowZero()
    {
        // $20 of deductible left and a $30 copay that counts toward it: the deductible is used up, not negative; 10 % of the other $70 is $7.
        var estimate = ResponsibilityEstimator.Estimate(Plan(100, 80, 10, 5000, 0, copayTowardDeductible: true, officeCopay: 30), [new ChargeLine(1, "office-visit", 100m)]);

        Assert.Equal(new LineResponsibility(1, 100m, 30m, 0m, 7m, 0m, 100m, AllowedSource.Charge), Assert.Single(estimate.Lines));
        Assert.Equal((0m, 4963m), (estimate.DeductibleRemaining, estimate.OutOfPocketRemaining));
    }

    [Fact]
    public void Estimate_DeductibleAloneReachesTheMaximum_IsCappedToo()
    {
        // $50 left of the maximum and $300 of deductible left on a $200 line: the patient pays $50; the deductible takes only those $50.
        var estimate = ResponsibilityEstimator.Estimate(Plan(300, 0, 20, 1000, 950), [new ChargeLine(1, "lab", 200m)]);

        Assert.Equal(new LineResponsibility(1, 200m, 0m, 50m, 0m, 150m, 200m, AllowedSource.Charge), Assert.Single(estimate.Lines));
        Assert.Equal((250m, 0m), (estimate.DeductibleRemaining, estimate.OutOfPocketRemaining));
    }

    [Fact]
    public void Estimate_ClaimWithoutAScheduleForItsPayer_TakesEveryCharge()
    {
        var claim = ClaimTests.Sample().Claims[0];

        var estimate = ResponsibilityEstimator.Estimate(claim, [PayerWide]);

        Assert.Equal([1, 2, 3], estimate.Lines.Select(l => l.Line));
        Assert.All(estimate.Lines, l => Assert.Equal((l.Charge, AllowedSource.Charge), (l.Allowed, l.Source)));
    }

    [Fact]
    public void FeeSchedule_EntriesWithAsManyModifiers_TheFirstListedWins()
    {
        var schedule = new FeeSchedule("ACME", null, [new FeeScheduleEntry("93306", ["59"], 91m), new FeeScheduleEntry("93306", ["26"], 96m), new FeeScheduleEntry("93306", [], 310m)]);

        Assert.Equal(91m, FeeSchedules.Allowed(schedule, Line("93306", 500m, 1, "26", "59")));
        Assert.Equal(310m, FeeSchedules.Allowed(schedule, Line("93306", 500m) with { Modifiers = null! }));
        Assert.Null(FeeSchedules.Allowed(new FeeSchedule("ACME", null, [new FeeScheduleEntry("93306", ["26"], 96m)]), Line("93306", 500m)));
    }

    [Fact]
    public void FeeSchedule_CoverageWithoutAPlan_TakesThePayersSchedule()
    {
        var coverage = Coverage() with { PayerId = "ACME", PlanId = null! };

        Assert.Same(PayerWide, FeeSchedules.For([PlanOnly, PayerWide], coverage));
        Assert.Null(FeeSchedules.For([PlanOnly], coverage));
        Assert.Null(FeeSchedules.For([], coverage));
    }

    [Fact]
    public void FeeSchedules_Validate_NullsLimitsAndDuplicates()
    {
        var problems = FeeSchedules.Validate(
        [
            null!,
            new FeeSchedule("ACME", "GRP-1", null!),
            new FeeSchedule("ACME", null, [null!, new FeeScheduleEntry("93306", ["26", "59"], 0m), new FeeScheduleEntry("93306", ["59", "26"], 99_999_999m), new FeeScheduleEntry("93306", null!, 100_000_000m)]),
            new FeeSchedule("ACME", "GRP-2", [new FeeScheduleEntry("93306", null!, 1m), new FeeScheduleEntry("93306", [], 2m), new FeeScheduleEntry("93307", [], 2m)]),
            new FeeSchedule(" ", "GRP-1", []),
        ]);

        Assert.Equal(
        [
            "feeSchedules[0]: must not be null",
            "feeSchedules[2].entries[0]: must not be null",
            "feeSchedules[2].entries[2]: the same code and modifiers as an earlier entry",
            "feeSchedules[2].entries[3].allowed: must be a non-negative amount with at most two decimals, found 100000000",
            "feeSchedules[3].entries[1]: the same code and modifiers as an earlier entry",
            "feeSchedules[4].payerId: required",
        ], problems.Texts());
    }

    [Fact]
    public void Estimate_TheMaximumReachedInsideALine_CapsItsCoinsuranceAfterItsDeductible()
    {
        // Out-of-pocket maximum $100 with nothing met; deductible $80 left, 20 % coinsurance. A $1,000 charge: $80 to the
        // deductible leaves $20 of the maximum, so coinsurance is $20 of the $184 it would be, and $164 is capped away.
        var estimate = ResponsibilityEstimator.Estimate(Plan(500, 420, 20, 100, 0), [new ChargeLine(1, "imaging", 1000m)]);

        var line = Assert.Single(estimate.Lines);
        Assert.Equal((80m, 20m, 164m, 100m, 900m), (line.Deductible, line.Coinsurance, line.CappedBy, line.Patient, line.Plan));
        Assert.Equal((0m, 0m), (estimate.DeductibleRemaining, estimate.OutOfPocketRemaining));
    }

    [Fact]
    public void Estimate_NullsAndNegativeAmounts_AreRefused()
    {
        Assert.Throws<ArgumentNullException>(() => ResponsibilityEstimator.Estimate((Benefits)null!, []));
        Assert.Throws<ArgumentNullException>(() => ResponsibilityEstimator.Estimate(Plan(0, 0, 0, 0, 0), null!));
        Assert.Throws<ArgumentNullException>(() => ResponsibilityEstimator.Estimate((Claim)null!, []));
        Assert.Throws<ArgumentNullException>(() => FeeSchedules.For(null!, ClaimTests.Sample().Claims[0].Coverage));
        Assert.Throws<ArgumentNullException>(() => FeeSchedules.For([], null!));
        Assert.Throws<ValidationException>(() => ResponsibilityEstimator.Estimate(Plan(0, 0, 0, -1, 0), []));
        Assert.Throws<ValidationException>(() => ResponsibilityEstimator.Estimate(Plan(0, 0, 0, 0, 0, officeCopay: -1) with { Copays = new Dictionary<string, decimal> { ["x"] = -1 } }, []));
        // Zero is allowed everywhere.
        Assert.Equal(0m, ResponsibilityEstimator.Estimate(Plan(0, 0, 0, 0, 0) with { Copays = new Dictionary<string, decimal> { ["x"] = 0 } }, [new ChargeLine(1, "x", 0m)]).Patient);
    }
}
