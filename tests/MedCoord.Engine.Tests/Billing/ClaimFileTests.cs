using System.Text;
using System.Text.Json.Nodes;
using MedCoord.Engine.Billing;
using MedCoord.Scheduling.Validation;
using Xunit;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>The claim file's reader at the edges: bytes that are not UTF-8, values the estimate cannot take, messages without reader internals.</summary>
public sealed class ClaimFileTests
{
    private static readonly byte[] Sample = File.ReadAllBytes(ClaimTests.SamplePath);
    private static readonly NodaTime.ZonedDateTime Created = NodaTime.Instant.FromUtc(2026, 12, 8, 16, 0).InUtc();

    [Fact]
    public void Parse_InvalidUtf8InAName_ReportsTheOffsetNotTheName()
    {
        var bytes = (byte[])Sample.Clone();
        var offset = bytes.AsSpan().IndexOf("Rivera"u8) + 1;
        bytes[offset] = 0xFE;

        var (batch, errors) = ClaimFile.Parse(bytes);

        Assert.Null(batch);
        Assert.Equal([$"$: invalid UTF-8 at byte offset {offset} (the file must be UTF-8)"], errors.Texts());
    }

    [Fact]
    public void Parse_ByteOrderMark_IsAccepted()
    {
        var (batch, errors) = ClaimFile.Parse([0xEF, 0xBB, 0xBF, .. Sample]);

        Assert.Empty(errors);
        Assert.Equal(ClaimTests.Sample().Claims.Count, batch!.Claims.Count);
    }

    [Theory]
    [InlineData("\"coinsurancePercent\": 20", "\"coinsurancePercent\": 150", "claims[0].coverage.benefits.coinsurancePercent: must be from 0 to 100, found 150")]
    [InlineData("\"amount\": 1000.00", "\"amount\": -1000.00", "claims[0].coverage.benefits.deductible.amount: must not be negative")]
    [InlineData("\"met\": 800.00", "\"met\": 1200.00", "claims[0].coverage.benefits.deductible.met: must not be above the amount 1000.00, found 1200.00")]
    [InlineData("\"met\": 1200.00", "\"met\": 4000.01", "claims[0].coverage.benefits.outOfPocketMaximum.met: must not be above the amount 4000.00, found 4000.01")]
    [InlineData("\"claimFilingIndicator\": \"HM\"", "\"claimFilingIndicator\": \"HMO\"", "claims[1].coverage.claimFilingIndicator: must be one of 11, 12, 13, 14, 15, 16, 17, AM, BL, CH, CI, DS, FI, HM, LM, MA, MB, MC, OF, TV, VA, WC, ZZ")]
    [InlineData("\"firstName\": \"Leo\"", "\"firstName\": \"L\u00e9o\"", "claims[1].patient.firstName: character 2 is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)")]
    [InlineData("\"to\": \"2026-12-31\"", "\"to\": \"2026-11-15\"", "claims[2].lines[0].procedureCode: 93306 needs a prior authorisation; authorisation 'AUTH-77' does not cover the date of service (expired or not yet in force)")]
    [InlineData("\"paid\": 250.00, \"adjustments\"", "\"paid\": 240.00, \"adjustments\"", "claims[2].priorPayers[0].lines[0]: paid 240.00 and adjustments 160.00 do not add up to the line's charge 410.00")]
    public void Problems_BenefitsOutOfRange_NameThePathInsteadOfThrowing(string from, string to, string expected)
    {
        var (batch, errors) = ClaimFile.Parse(Encoding.UTF8.GetString(Sample).Replace(from, to, StringComparison.Ordinal));
        Assert.Empty(errors);

        Assert.Contains(expected, X12Writer.Problems(batch!.Claims, batch.Envelope, Created).Texts());
    }

    [Theory]
    [InlineData("", "$: the file is empty")]
    [InlineData("{}", "$: required fields are missing: 'formatVersion', 'envelope', 'claims'")]
    [InlineData("{ \"formatVersion\": 1, \"envelope\": null, \"claims\": [] }", "envelope: must not be null")]
    public void Parse_StructuralProblems_SayWhatIsWrongWithoutTypeNames(string json, string expected) =>
        Assert.Equal([expected], ClaimFile.Parse(json).Errors.Texts());

    [Theory]
    [InlineData("\"diagnoses\": [\"E11.9\", \"I10\", \"E78.5\"],", "\"diagnoses\": [\"E11.9\", null, \"E78.5\"],", "claims[0].diagnoses[1]: must not be null (leave the element out)")]
    [InlineData("\"modifiers\": [\"25\"],", "\"modifiers\": [null],", "claims[0].lines[0].modifiers[0]: must not be null (leave the element out)")]
    [InlineData("\"lines\": [", "\"lines\": [null, ", "claims[0].lines[0]: must not be null (leave the element out)")]
    [InlineData("\"claims\": [", "\"claims\": [null, ", "claims[0]: must not be null (leave the element out)")]
    public void Parse_NullElementOfAList_IsReportedWithItsPathNotThrown(string from, string to, string expected)
    {
        var json = Encoding.UTF8.GetString(Sample);
        var at = json.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0, from);

        var (batch, errors) = ClaimFile.Parse(json[..at] + to + json[(at + from.Length)..]);

        Assert.Null(batch);
        Assert.Equal([expected], errors.Texts());
    }

    [Fact]
    public void Parse_NullElementsAndAnotherStructuralError_AreAllReported()
    {
        var json = Encoding.UTF8.GetString(Sample);
        json = json.Replace("\"diagnoses\": [\"E11.9\", \"I10\", \"E78.5\"],", "\"diagnoses\": [\"E11.9\", null, \"E78.5\"],", StringComparison.Ordinal)
            .Replace("\"claims\": [", "\"claims\": [{ \"id\": 5 }, ", StringComparison.Ordinal);

        var errors = ClaimFile.Parse(json).Errors.Texts();

        Assert.Contains("claims[1].diagnoses[1]: must not be null (leave the element out)", errors);
        Assert.Contains(errors, e => e.StartsWith("claims[0]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[]", "$: the file must be a JSON object, not an array (see docs/claim-format.md)")]
    [InlineData("[null]", "$: the file must be a JSON object, not an array (see docs/claim-format.md)")]
    [InlineData("\"\"", "$: the file must be a JSON object, not a single value (see docs/claim-format.md)")]
    [InlineData("42", "$: the file must be a JSON object, not a single value (see docs/claim-format.md)")]
    public void Parse_NotAnObject_SaysSo(string json, string expected) => Assert.Equal([expected], ClaimFile.Parse(json).Errors.Texts());

    [Fact]
    public void Parse_SubmissionFieldsAndFeeSchedules_AreRead()
    {
        var json = Encoding.UTF8.GetString(Sample).Replace("\"id\": \"CLM-2026-0002\",", "\"id\": \"CLM-2026-0002\", \"frequency\": \"replacement\", \"payerClaimNumber\": \"PCN-1\",", StringComparison.Ordinal);

        var (batch, errors) = ClaimFile.Parse(json);

        Assert.Empty(errors);
        var (first, second, third) = (batch!.Claims[0], batch.Claims[1], batch.Claims[2]);
        Assert.Equal((ClaimFrequency.Original, null, "CI"), (first.Frequency, first.PayerClaimNumber, first.Coverage.ClaimFilingIndicator));
        Assert.Equal((ClaimFrequency.Replacement, "PCN-1", "HM"), (second.Frequency, second.PayerClaimNumber, second.Coverage.ClaimFilingIndicator));
        var prior = Assert.Single(third.PriorPayers!);
        Assert.Equal(("ACMEHLTH", "CI", 250.00m, new NodaTime.LocalDate(2026, 11, 27)), (prior.PayerId, prior.ClaimFilingIndicator, prior.Paid, prior.AdjudicatedOn));
        Assert.Equal([new PayerAdjustment("CO", "45", 100m), new PayerAdjustment("PR", "2", 60m)], Assert.Single(prior.Lines).Adjustments);
        Assert.Equal(2, batch.FeeSchedules!.Count);
        Assert.Equal(new FeeScheduleEntry("93306", ["26"], 96m) with { Modifiers = batch.FeeSchedules[0].Entries[2].Modifiers }, batch.FeeSchedules[0].Entries[2]);
        Assert.Equal(["26"], batch.FeeSchedules[0].Entries[2].Modifiers);
        Assert.Empty(X12Writer.Problems(batch.Claims, batch.Envelope, Created));
    }

    [Fact]
    public void Parse_CoverageWithoutAFilingIndicator_IsCommercialInsurance()
    {
        var (batch, errors) = ClaimFile.Parse(Encoding.UTF8.GetString(Sample).Replace("\"effectiveTo\": null, \"claimFilingIndicator\": \"CI\",", "\"effectiveTo\": null,", StringComparison.Ordinal));

        Assert.Empty(errors);
        Assert.Equal("CI", batch!.Claims[0].Coverage.ClaimFilingIndicator);
    }

    [Fact]
    public void Parse_UnknownFrequency_NamesItsPath() =>
        Assert.Equal("claims[0].frequency", Assert.Single(ClaimFile.Parse(Encoding.UTF8.GetString(Sample)
            .Replace("\"id\": \"CLM-2026-0001\",", "\"id\": \"CLM-2026-0001\", \"frequency\": \"corrected\",", StringComparison.Ordinal)).Errors).Path);

    private const string Person = """{ "id": "pat-1", "lastName": "Doe", "firstName": "Jo", "birthDate": "1980-01-02", "sex": "F", "address": { "line1": "1 Main St", "city": "Denver", "state": "CO", "postalCode": "80202" } }""";

    /// <summary>A claim file with only the required fields, written by hand.</summary>
    private static readonly string Minimal = $$"""
        {
          "formatVersion": 1,
          "envelope": { "senderId": "MEDCOORD01", "senderName": "Riverside", "contactName": "Billing", "contactPhone": "3035550100", "receiverId": "ACMEHLTH", "receiverName": "Acme", "controlNumber": 9, "production": true },
          "claims": [
            {
              "id": "C-1", "visitId": "v-1", "patient": {{Person}},
              "coverage": {
                "id": "cov-1", "payerId": "ACME", "payerName": "Acme", "planId": "G-1", "memberId": "M-1", "subscriber": {{Person}}, "relationship": "self", "effectiveFrom": "2026-01-01",
                "benefits": { "deductible": { "amount": 100, "met": 10 }, "coinsurancePercent": 20, "outOfPocketMaximum": { "amount": 1000, "met": 50 } }
              },
              "billingProvider": { "npi": "1234567893", "name": "Riverside", "isOrganization": true },
              "diagnoses": ["I10"],
              "lines": [ { "procedureCode": "99213", "units": 1, "charge": 120, "diagnosisPointers": [1], "placeOfService": "11", "dateOfService": "2026-11-16", "category": "office-visit" } ],
              "priorPayers": [ { "payerId": "PRIME", "payerName": "Prime", "memberId": "PM-1", "subscriber": {{Person}}, "relationship": "spouse", "claimFilingIndicator": "MC", "adjudicatedOn": "2026-11-20", "paid": 100, "lines": [ { "line": 1, "paid": 100 } ] } ]
            }
          ],
          "feeSchedules": [ { "payerId": "ACME", "entries": [ { "procedureCode": "99213", "allowed": 90 } ] } ]
        }
        """;

    /// <summary>Every optional field left out takes its documented default.</summary>
    [Fact]
    public void Parse_OnlyRequiredFields_TheRestTakeTheirDefaults()
    {
        var (batch, errors) = ClaimFile.Parse(Minimal);

        Assert.Empty(errors);
        Assert.Equal(new X12Envelope("MEDCOORD01", "Riverside", "Billing", "3035550100", "ACMEHLTH", "Acme", 9, true), batch!.Envelope);
        var claim = Assert.Single(batch.Claims);
        Assert.Equal(("C-1", "v-1", ClaimStatus.Draft, null, ClaimFrequency.Original, null), (claim.Id, claim.VisitId, claim.Status, claim.CreatedAt, claim.Frequency, claim.PayerClaimNumber));
        Assert.Null(claim.RenderingProvider);
        Assert.Empty(claim.History);
        Assert.Equal(new Address("1 Main St", "Denver", "CO", "80202"), claim.Patient.Address);
        Assert.Equal((null, "CI", SubscriberRelationship.Self), (claim.Coverage.EffectiveTo, claim.Coverage.ClaimFilingIndicator, claim.Coverage.Relationship));
        Assert.Empty(claim.Coverage.Authorizations);
        var benefits = claim.Coverage.Benefits;
        Assert.Empty(benefits.Copays);
        Assert.Empty(benefits.PriorAuthorization);
        Assert.Equal((new Accumulator(100, 10), 20m, new Accumulator(1000, 50), false, true),
            (benefits.Deductible, benefits.CoinsurancePercent, benefits.OutOfPocketMaximum, benefits.CopayCountsTowardDeductible, benefits.CopayCountsTowardOutOfPocket));
        Assert.Empty(Assert.Single(claim.Lines).Modifiers);
        var prior = Assert.Single(claim.PriorPayers!);
        Assert.Equal(("PRIME", "Prime", "PM-1", null, SubscriberRelationship.Spouse, "MC", new NodaTime.LocalDate(2026, 11, 20), 100m, null),
            (prior.PayerId, prior.PayerName, prior.MemberId, prior.PlanId, prior.Relationship, prior.ClaimFilingIndicator, prior.AdjudicatedOn, prior.Paid, prior.PayerClaimNumber));
        Assert.Empty(prior.Adjustments);
        var decision = Assert.Single(prior.Lines);
        Assert.Equal((1, 100m), (decision.Line, decision.Paid));
        Assert.Empty(decision.Adjustments);
        var schedule = Assert.Single(batch.FeeSchedules!);
        Assert.Equal(("ACME", null), (schedule.PayerId, schedule.PlanId));
        var entry = Assert.Single(schedule.Entries);
        Assert.Equal(("99213", 90m), (entry.ProcedureCode, entry.Allowed));
        Assert.Empty(entry.Modifiers);
    }

    /// <summary>Every optional field given is read into the claim, not its default.</summary>
    [Fact]
    public void Parse_OptionalFieldsGiven_AreRead()
    {
        var json = Minimal
            .Replace("\"effectiveFrom\": \"2026-01-01\",", "\"effectiveFrom\": \"2026-01-01\", \"effectiveTo\": \"2026-12-31\", \"claimFilingIndicator\": \"BL\", \"authorizations\": [ { \"number\": \"A-1\", \"procedureCode\": \"93306\", \"from\": \"2026-11-01\", \"to\": \"2026-11-30\" } ],", StringComparison.Ordinal)
            .Replace("\"coinsurancePercent\": 20,", "\"coinsurancePercent\": 20, \"copays\": { \"lab\": 15 }, \"priorAuthorization\": [\"93306\"], \"copayCountsTowardDeductible\": true, \"copayCountsTowardOutOfPocket\": false,", StringComparison.Ordinal)
            .Replace("\"category\": \"office-visit\" }", "\"category\": \"office-visit\", \"modifiers\": [\"25\"] }", StringComparison.Ordinal)
            .Replace("\"paid\": 100, \"lines\": [ { \"line\": 1, \"paid\": 100 } ]", "\"paid\": 100, \"planId\": \"PG-2\", \"payerClaimNumber\": \"PCN-2\", \"adjustments\": [ { \"group\": \"CO\", \"reason\": \"45\", \"amount\": 5 } ], \"lines\": [ { \"line\": 1, \"paid\": 100, \"adjustments\": [ { \"group\": \"PR\", \"reason\": \"1\", \"amount\": 15 } ] } ]", StringComparison.Ordinal)
            .Replace("\"entries\": [ { \"procedureCode\": \"99213\", \"allowed\": 90 } ]", "\"planId\": \"G-1\", \"entries\": [ { \"procedureCode\": \"99213\", \"allowed\": 90, \"modifiers\": [\"25\"] } ]", StringComparison.Ordinal)
            .Replace("\"diagnoses\"", "\"renderingProvider\": { \"npi\": \"1245319599\", \"name\": \"Lopez, Maria\", \"isOrganization\": false }, \"frequency\": \"void\", \"payerClaimNumber\": \"PCN-1\", \"diagnoses\"", StringComparison.Ordinal);

        var (batch, errors) = ClaimFile.Parse(json);

        Assert.Empty(errors);
        var claim = Assert.Single(batch!.Claims);
        Assert.Equal(new ClaimProvider("1245319599", "Lopez, Maria", false), claim.RenderingProvider);
        Assert.Equal((ClaimFrequency.Void, "PCN-1"), (claim.Frequency, claim.PayerClaimNumber));
        Assert.Equal((new NodaTime.LocalDate(2026, 12, 31), "BL"), (claim.Coverage.EffectiveTo, claim.Coverage.ClaimFilingIndicator));
        Assert.Equal(new Authorization("A-1", "93306", new NodaTime.LocalDate(2026, 11, 1), new NodaTime.LocalDate(2026, 11, 30)), Assert.Single(claim.Coverage.Authorizations));
        var benefits = claim.Coverage.Benefits;
        Assert.Equal(15m, Assert.Single(benefits.Copays, c => c.Key == "lab").Value);
        Assert.Equal(["93306"], benefits.PriorAuthorization);
        Assert.Equal((true, false), (benefits.CopayCountsTowardDeductible, benefits.CopayCountsTowardOutOfPocket));
        Assert.Equal(["25"], Assert.Single(claim.Lines).Modifiers);
        var prior = Assert.Single(claim.PriorPayers!);
        Assert.Equal(("PG-2", "PCN-2"), (prior.PlanId, prior.PayerClaimNumber));
        Assert.Equal([new PayerAdjustment("CO", "45", 5m)], prior.Adjustments);
        Assert.Equal([new PayerAdjustment("PR", "1", 15m)], Assert.Single(prior.Lines).Adjustments);
        var schedule = Assert.Single(batch.FeeSchedules!);
        Assert.Equal("G-1", schedule.PlanId);
        Assert.Equal(["25"], Assert.Single(schedule.Entries).Modifiers);
    }

    /// <summary><c>line2</c> is read into <see cref="Address.Line2"/> wherever an address is; left out, it is null.</summary>
    [Fact]
    public void Parse_SecondAddressLine_IsReadWhereGivenAndNullElsewhere()
    {
        var json = Minimal.Replace("\"billingProvider\": { \"npi\": \"1234567893\", \"name\": \"Riverside\", \"isOrganization\": true }",
            "\"billingProvider\": { \"npi\": \"1234567893\", \"name\": \"Riverside\", \"isOrganization\": true, \"address\": { \"line1\": \"400 River Rd\", \"line2\": \"Suite 200\", \"city\": \"Denver\", \"state\": \"CO\", \"postalCode\": \"802021234\" } }", StringComparison.Ordinal);
        var withPatientLine2 = ReplaceFirst(json, "\"line1\": \"1 Main St\",", "\"line1\": \"1 Main St\", \"line2\": \"Apt 4\",");

        var (batch, errors) = ClaimFile.Parse(withPatientLine2);

        Assert.Empty(errors);
        var claim = Assert.Single(batch!.Claims);
        Assert.Equal(new Address("1 Main St", "Denver", "CO", "80202", "Apt 4"), claim.Patient.Address);
        Assert.Null(claim.Coverage.Subscriber.Address.Line2);
        Assert.Equal(new Address("400 River Rd", "Denver", "CO", "802021234", "Suite 200"), claim.BillingProvider.Address);
        Assert.Equal(["claims[0].patient.address.line2: the value is of the wrong kind or out of range for this field (see docs/claim-format.md)"],
            ClaimFile.Parse(withPatientLine2.Replace("\"line2\": \"Apt 4\"", "\"line2\": 4", StringComparison.Ordinal)).Errors.Texts());
    }

    private static string ReplaceFirst(string text, string from, string to)
    {
        var at = text.IndexOf(from, StringComparison.Ordinal);
        return text[..at] + to + text[(at + from.Length)..];
    }

    [Fact]
    public void Parse_NoPriorPayersOrFeeSchedules_AreNullAndEmpty()
    {
        var json = Minimal.Replace("""
            ,
                  "priorPayers": [ { "payerId": "PRIME", "payerName": "Prime", "memberId": "PM-1", "subscriber": {{Person}}, "relationship": "spouse", "claimFilingIndicator": "MC", "adjudicatedOn": "2026-11-20", "paid": 100, "lines": [ { "line": 1, "paid": 100 } ] } ]
            """.Replace("{{Person}}", Person, StringComparison.Ordinal).ReplaceLineEndings("\n"), string.Empty, StringComparison.Ordinal)
            .Replace("""
            ,
              "feeSchedules": [ { "payerId": "ACME", "entries": [ { "procedureCode": "99213", "allowed": 90 } ] } ]
            """.ReplaceLineEndings("\n"), string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("priorPayers", json, StringComparison.Ordinal);
        Assert.DoesNotContain("feeSchedules", json, StringComparison.Ordinal);

        var (batch, errors) = ClaimFile.Parse(json);

        Assert.Empty(errors);
        Assert.Null(Assert.Single(batch!.Claims).PriorPayers);
        Assert.Empty(batch.FeeSchedules!);
    }

    /// <summary>Each kind of structural problem: its JSON path (without the leading <c>$.</c>) and a message without the reader's type names.</summary>
    [Theory]
    [InlineData("null", "$: the file is empty (null)")]
    [InlineData("   ", "$: the file is empty")]
    [InlineData("{ not json", "$: malformed JSON at line 1, position 3")]
    [InlineData("{\n  \"formatVersion\": 1,\n  \"envelope\": {\n    x", "envelope: malformed JSON at line 4, position 5")]
    [InlineData("{ \"formatVersion\": 2, \"envelope\": null, \"claims\": [] }", "envelope: must not be null")]
    [InlineData("{ \"formatVersion\": 1, \"claims\": [] }", "$: required fields are missing: 'envelope'")]
    [InlineData("{ \"formatVersion\": 1, \"envelope\": { \"senderId\": \"A\", \"senderName\": \"B\", \"contactName\": \"C\", \"contactPhone\": \"1\", \"receiverId\": \"D\", \"receiverName\": \"E\" }, \"claims\": [] }", "envelope: required fields are missing: 'controlNumber', 'production'")]
    [InlineData("{ \"formatVersion\": 1, \"colour\": \"red\", \"envelope\": { \"senderId\": \"A\", \"senderName\": \"B\", \"contactName\": \"C\", \"contactPhone\": \"1\", \"receiverId\": \"D\", \"receiverName\": \"E\", \"controlNumber\": 1, \"production\": false }, \"claims\": [] }", "colour: unknown field 'colour' (see docs/claim-format.md)")]
    [InlineData("[]", "$: the file must be a JSON object, not an array (see docs/claim-format.md)")]
    [InlineData("{ \"formatVersion\": 1, \"envelope\": { \"senderId\": \"A\", \"senderName\": \"B\", \"contactName\": \"C\", \"contactPhone\": \"1\", \"receiverId\": \"D\", \"receiverName\": \"E\", \"controlNumber\": 1, \"production\": false }, \"claims\": [ { \"id\": \"C-1\" } ] }",
        "claims[0]: required fields are missing: 'visitId', 'patient', 'coverage', 'billingProvider', 'diagnoses', 'lines'")]
    public void Parse_StructuralProblem_WholeMessage(string json, string expected) => Assert.Equal(expected, Assert.Single(ClaimFile.Parse(json).Errors).ToString());

    /// <summary>An unknown field deep in a claim: its JSON path and its name, never its value (it may be patient data).</summary>
    [Fact]
    public void Parse_UnknownFieldDeepInAClaim_NamesItsPathNotItsValue()
    {
        var error = Assert.Single(ClaimFile.Parse(Minimal.Replace("\"category\": \"office-visit\"", "\"category\": \"office-visit\", \"note\": \"Rosalind Quillfeather\"", StringComparison.Ordinal)).Errors);

        Assert.Equal(new ValidationError("claims[0].lines[0].note", "unknown field 'note' (see docs/claim-format.md)"), error);
    }

    /// <summary>Every required field an object lacks is listed, however many (the reader's own message stops after a few).</summary>
    [Fact]
    public void Parse_ObjectMissingManyFields_ListsEveryOne()
    {
        var json = Minimal.Replace("\"billingProvider\": { \"npi\": \"1234567893\", \"name\": \"Riverside\", \"isOrganization\": true }", "\"billingProvider\": { }", StringComparison.Ordinal);

        Assert.Equal(new ValidationError("claims[0].billingProvider", "required fields are missing: 'npi', 'name', 'isOrganization'"), Assert.Single(ClaimFile.Parse(json).Errors));
        Assert.Equal(new ValidationError("claims[0].coverage.benefits", "required fields are missing: 'deductible', 'coinsurancePercent', 'outOfPocketMaximum'"),
            Assert.Single(ClaimFile.Parse(Minimal.Replace("\"benefits\": { \"deductible\": { \"amount\": 100, \"met\": 10 }, \"coinsurancePercent\": 20, \"outOfPocketMaximum\": { \"amount\": 1000, \"met\": 50 } }", "\"benefits\": {}", StringComparison.Ordinal)).Errors));
    }

    [Fact]
    public void Parse_UnsupportedVersion_SaysWhichIsSupported() =>
        Assert.Equal(["formatVersion: unsupported format version 2; only 1 is supported"], ClaimFile.Parse(Minimal.Replace("\"formatVersion\": 1", "\"formatVersion\": 2", StringComparison.Ordinal)).Errors.Texts());

    [Fact]
    public void Parse_ValueOfTheWrongKindDeepInAClaim_NamesItsPath() =>
        Assert.Equal(["claims[0].lines[0].charge: the value is of the wrong kind or out of range for this field (see docs/claim-format.md)"],
            ClaimFile.Parse(Minimal.Replace("\"charge\": 120", "\"charge\": \"120\"", StringComparison.Ordinal)).Errors.Texts());

    private static JsonNode SampleNode() => JsonNode.Parse(Sample)!;

    /// <summary>Each broken claim is reported, each with its full path: the second is not hidden behind the first.</summary>
    [Fact]
    public void Parse_TwoBrokenClaims_ReportsBothWithTheirFullPaths()
    {
        var file = SampleNode();
        file["claims"]![0]!["lines"]![1]!["charge"] = "45.00";
        file["claims"]![2]!["coverage"]!["colour"] = "red";

        var (batch, errors) = ClaimFile.Parse(file.ToJsonString());

        Assert.Null(batch);
        Assert.Equal(
        [
            "claims[0].lines[1].charge: the value is of the wrong kind or out of range for this field (see docs/claim-format.md)",
            "claims[2].coverage.colour: unknown field 'colour' (see docs/claim-format.md)",
        ], errors.Texts());
    }

    [Fact]
    public void Parse_BrokenEnvelopeAndBrokenClaim_ReportsBoth()
    {
        var file = SampleNode();
        file["envelope"]!.AsObject().Remove("controlNumber");
        file["claims"]![1]!["patient"]!.AsObject().Remove("birthDate");
        file["claims"]![1]!["patient"]!.AsObject().Remove("sex");

        Assert.Equal(
        [
            "envelope: required fields are missing: 'controlNumber'",
            "claims[1].patient: required fields are missing: 'birthDate', 'sex'",
        ], ClaimFile.Parse(file.ToJsonString()).Errors.Texts());
    }

    /// <summary>Every top-level member is a part: the file's missing and unknown fields, a null, a fee schedule, a wrong kind where a list belongs.</summary>
    [Fact]
    public void Parse_EveryBrokenTopLevelPart_IsReportedInTheFilesOrder()
    {
        var file = SampleNode();
        file.AsObject().Remove("formatVersion");
        file["envelope"] = null;
        file["my note"] = "Rosalind";
        file["feeSchedules"]![1]!["entries"]![0]!["allowed"] = "lots";
        file["claims"]![2]!["lines"]![0]!["dateOfService"] = "2026-11-31";

        Assert.Equal(
        [
            "$: required fields are missing: 'formatVersion'",
            "envelope: must not be null",
            "claims[2].lines[0].dateOfService: the value is of the wrong kind or out of range for this field (see docs/claim-format.md)",
            "feeSchedules[1].entries[0].allowed: the value is of the wrong kind or out of range for this field (see docs/claim-format.md)",
            "['my note']: unknown field 'my note' (see docs/claim-format.md)",
        ], ClaimFile.Parse(file.ToJsonString()).Errors.Texts());
        Assert.Equal(["$: required fields are missing: 'envelope', 'claims'", "formatVersion: the value is of the wrong kind or out of range for this field (see docs/claim-format.md)"],
            ClaimFile.Parse("{ \"formatVersion\": \"one\" }").Errors.Texts());

        var lists = SampleNode();
        lists["claims"] = 7;
        lists["feeSchedules"] = new JsonArray(5);
        Assert.Equal(["claims: the value is of the wrong kind or out of range for this field (see docs/claim-format.md)", "feeSchedules[0]: the value is of the wrong kind or out of range for this field (see docs/claim-format.md)"],
            ClaimFile.Parse(lists.ToJsonString()).Errors.Texts());
    }

    /// <summary>Malformed JSON is one error, its syntax error's line and position, even after a part that would not read.</summary>
    [Fact]
    public void Parse_MalformedJsonAfterABrokenClaim_IsOneErrorAtTheSyntaxError()
    {
        var json = Minimal.Replace("\"charge\": 120", "\"charge\": \"120\"", StringComparison.Ordinal).Replace("\"allowed\": 90", "\"allowed\": 90,,", StringComparison.Ordinal);
        var line = json[..json.IndexOf(",,", StringComparison.Ordinal)].Count(c => c == '\n') + 1;
        var position = json.IndexOf(",,", StringComparison.Ordinal) - json.LastIndexOf('\n', json.IndexOf(",,", StringComparison.Ordinal)) + 1;

        Assert.Equal([$"$: malformed JSON at line {line}, position {position}"], ClaimFile.Parse(json).Errors.Texts());
        Assert.Equal(["envelope: malformed JSON at line 1, position 37"], ClaimFile.Parse("{ \"formatVersion\": 1, \"envelope\": { x").Errors.Texts());
    }
}
