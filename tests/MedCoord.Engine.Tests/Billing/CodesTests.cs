using MedCoord.Engine.Billing;
using Xunit;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>The code validators against tables of real valid codes and of invalid ones, each with the reason expected.</summary>
public sealed class CodesTests
{
    [Theory]
    [InlineData("A00.0")]      // cholera
    [InlineData("E11.9")]      // type 2 diabetes without complications
    [InlineData("E119")]       // the same without its dot
    [InlineData("I10")]        // essential hypertension: three characters
    [InlineData("J06.9")]
    [InlineData("Z00.00")]
    [InlineData("U07.1")]      // COVID-19
    [InlineData("O9A.311")]    // a letter third
    [InlineData("M1A.0110")]   // seven characters, a letter third
    [InlineData("S60.511A")]   // 7th-character extension
    [InlineData("T81.4XXA")]   // two X placeholders then the extension
    [InlineData("T36.0X5A")]   // one X placeholder
    [InlineData("S01.90XA")]
    public void CheckIcd10Cm_RealCodes_AreWellFormed(string code) => Assert.Null(Codes.CheckIcd10Cm(code));

    [Theory]
    [InlineData("e11.9", "letters must be upper case")]
    [InlineData("1E1.9", "the first character must be a letter")]
    [InlineData("EE1.9", "the second character must be a digit")]
    [InlineData("E1", "must have 3 to 7 characters")]
    [InlineData("E11.99999", "must have 3 to 7 characters (not counting the dot), found 8")]
    [InlineData("E1.19", "a dot may only come after the third character")]
    [InlineData("E11.", "a dot may only come after the third character, followed by at least one more")]
    [InlineData("E11..9", "a dot may only come after the third character")]
    [InlineData("T81.4XA", "an X placeholder at character 5 must lead to a 7th-character extension")]
    [InlineData("T81.4X", "an X placeholder at character 5 must lead to a 7th-character extension")]
    [InlineData("T36.0X5", "an X placeholder at character 5 must lead to a 7th-character extension")]
    [InlineData("S60.5$1A", "characters after the second must be letters or digits")]
    [InlineData("", "an ICD-10-CM code is required")]
    public void CheckIcd10Cm_InvalidCodes_SayWhy(string code, string reason)
    {
        var problem = Codes.CheckIcd10Cm(code);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem);
        if (code.Length > 0)
        {
            Assert.StartsWith($"ICD-10-CM code", problem);
        }
    }

    [Theory]
    [InlineData("99213", CodeSystem.Cpt)]   // office visit
    [InlineData("00100", CodeSystem.Cpt)]   // anaesthesia
    [InlineData("83036", CodeSystem.Cpt)]   // HbA1c
    [InlineData("3044F", CodeSystem.Cpt)]   // Category II
    [InlineData("0042T", CodeSystem.Cpt)]   // Category III
    [InlineData("A4550", CodeSystem.Hcpcs)] // surgical tray
    [InlineData("J1100", CodeSystem.Hcpcs)]
    [InlineData("G0439", CodeSystem.Hcpcs)]
    [InlineData("E0114", CodeSystem.Hcpcs)]
    public void CheckProcedure_RealCodes_AreWellFormedInTheirSystem(string code, CodeSystem system)
    {
        Assert.Null(Codes.CheckProcedure(code));
        Assert.Equal(system, Codes.SystemOf(code));
    }

    [Theory]
    [InlineData("9921", "must have 5 characters, found 4")]
    [InlineData("992134", "must have 5 characters, found 6")]
    [InlineData("1234X", "neither CPT")]
    [InlineData("AA123", "neither CPT")]
    [InlineData("a4550", "letters must be upper case")]
    [InlineData("3044f", "letters must be upper case")]
    [InlineData(null, "a procedure code is required")]
    public void CheckProcedure_InvalidCodes_SayWhy(string? code, string reason) => Assert.Contains(reason, Codes.CheckProcedure(code));

    [Fact]
    public void CheckModifiers_UpToFourTwoCharacterModifiers_AndNoMore()
    {
        Assert.Null(Codes.CheckModifiers(["25"]));
        Assert.Null(Codes.CheckModifiers(["RT", "59", "GT", "76"]));
        Assert.Null(Codes.CheckModifiers([]));
        Assert.Contains("at most 4 modifiers per line, found 5", Codes.CheckModifiers(["RT", "59", "GT", "76", "25"]));
        Assert.Contains("modifier 1: must be two upper-case letters or digits", Codes.CheckModifiers(["2"]));
        Assert.Contains("modifier 2: must be", Codes.CheckModifiers(["25", "rt"]));
        Assert.Contains("listed twice", Codes.CheckModifiers(["25", "25"]));
    }

    [Fact]
    public void CodeSetProvider_Loaded_ReportsWellFormedButUnknownCodes()
    {
        var tables = new InMemoryCodeSetProvider()
            .Load(CodeSystem.Icd10Cm, ["E11.9", "I10"])
            .Load(CodeSystem.Cpt, ["99213"])
            .Load(CodeSystem.Modifier, ["25"]);

        Assert.Null(Codes.CheckIcd10Cm("E119", tables));
        Assert.Equal("ICD-10-CM code: well formed but not in the loaded ICD-10-CM table", Codes.CheckIcd10Cm("E11.8", tables));
        Assert.Contains("CPT code: well formed but not in the loaded CPT table", Codes.CheckProcedure("99214", tables));
        Assert.Null(Codes.CheckProcedure("A4550", tables)); // no HCPCS table loaded: the format is all that is checked
        Assert.Contains("modifier code: well formed but not in the loaded modifier table", Codes.CheckModifiers(["RT"], tables));
        Assert.Contains("letters must be upper case", Codes.CheckIcd10Cm("e11.9", tables));
    }

    [Theory]
    [InlineData("1234567893", true)]  // the CMS example
    [InlineData("1245319599", true)]
    [InlineData("1003000126", true)]
    [InlineData("1497758544", true)]
    [InlineData("1234567890", false)]  // wrong check digit
    [InlineData("123456789", false)]
    [InlineData("12345678931", false)]
    [InlineData("12345A7893", false)]
    public void IsValidNpi_ChecksTheLuhnDigit(string npi, bool valid) => Assert.Equal(valid, ClaimValidator.IsValidNpi(npi));

    /// <summary>Each ICD-10-CM shape rule's whole message, the code quoted as given.</summary>
    [Theory]
    [InlineData("E1", "ICD-10-CM code: must have 3 to 7 characters (not counting the dot), found 2")]
    [InlineData("E11.9Ab", "ICD-10-CM code: letters must be upper case")]
    [InlineData("E1.19", "ICD-10-CM code: a dot may only come after the third character, followed by at least one more")]
    [InlineData(".E119", "ICD-10-CM code: a dot may only come after the third character, followed by at least one more")]
    [InlineData("E11.9.", "ICD-10-CM code: a dot may only come after the third character, followed by at least one more")]
    [InlineData("E11.", "ICD-10-CM code: a dot may only come after the third character, followed by at least one more")]
    [InlineData("1E1.9", "ICD-10-CM code: the first character must be a letter")]
    [InlineData("@11.9", "ICD-10-CM code: the first character must be a letter")]
    [InlineData("[11.9", "ICD-10-CM code: the first character must be a letter")]
    [InlineData("EE1.9", "ICD-10-CM code: the second character must be a digit")]
    [InlineData("E1@.9", "ICD-10-CM code: characters after the second must be letters or digits")]
    [InlineData("E11.[", "ICD-10-CM code: characters after the second must be letters or digits")]
    [InlineData("T81.4XX", "ICD-10-CM code: an X placeholder at character 5 must lead to a 7th-character extension")]
    [InlineData("T36.0AX", "ICD-10-CM code: an X placeholder at character 6 must lead to a 7th-character extension")]
    [InlineData("T36.0AXAA", "ICD-10-CM code: must have 3 to 7 characters (not counting the dot), found 8")]
    [InlineData(null, "an ICD-10-CM code is required")]
    public void CheckIcd10Cm_InvalidCodes_WholeMessage(string? code, string expected) => Assert.Equal(expected, Codes.CheckIcd10Cm(code));

    /// <summary>Codes at the edges of the rules that are well formed: an X at the 4th or 7th character is not a placeholder, a code without a dot.</summary>
    [Theory]
    [InlineData("Z3A.00")]   // a letter third, then digits
    [InlineData("J0X")]      // an X third is no placeholder
    [InlineData("S0190XA")]  // no dot, an X placeholder, seven characters
    [InlineData("M84.48XA")] // the placeholder sixth
    [InlineData("V00.011X")] // an X seventh is an extension, not a placeholder
    [InlineData("Z99.89")]
    public void CheckIcd10Cm_EdgesOfTheRules_AreWellFormed(string code) => Assert.Null(Codes.CheckIcd10Cm(code));

    [Theory]
    [InlineData("9921", "procedure code: must have 5 characters, found 4")]
    [InlineData("", "a procedure code is required")]
    [InlineData("a4550", "procedure code: letters must be upper case")]
    [InlineData("1234X", "procedure code: neither CPT (five digits, or four digits then F or T) nor HCPCS Level II (a letter then four digits)")]
    [InlineData("A455F", "procedure code: neither CPT (five digits, or four digits then F or T) nor HCPCS Level II (a letter then four digits)")]
    [InlineData("@4550", "procedure code: neither CPT (five digits, or four digits then F or T) nor HCPCS Level II (a letter then four digits)")]
    [InlineData("[4550", "procedure code: neither CPT (five digits, or four digits then F or T) nor HCPCS Level II (a letter then four digits)")]
    [InlineData("F1234", null)]
    [InlineData("Z9999", null)]
    public void CheckProcedure_WholeMessage(string code, string? expected) => Assert.Equal(expected, Codes.CheckProcedure(code));

    [Theory]
    [InlineData("1234Y")]
    [InlineData("12A45")]
    [InlineData("A12B4")]
    [InlineData("1234")]
    public void SystemOf_NeitherCptNorHcpcs_IsNull(string code) => Assert.Null(Codes.SystemOf(code));

    [Fact]
    public void CheckModifiers_WholeMessages()
    {
        Assert.Null(Codes.CheckModifiers(null));
        Assert.Equal("at most 4 modifiers per line, found 5", Codes.CheckModifiers(["RT", "59", "GT", "76", "25"]));
        Assert.Equal("modifier 2: must be two upper-case letters or digits", Codes.CheckModifiers(["25", null!]));
        Assert.Equal("modifier 1: must be two upper-case letters or digits", Codes.CheckModifiers(["2@"]));
        Assert.Equal("modifier 3: must be two upper-case letters or digits", Codes.CheckModifiers(["25", "59", "R["]));
        Assert.Equal("modifier 1: must be two upper-case letters or digits", Codes.CheckModifiers(["259"]));
        Assert.Equal("a modifier is listed twice", Codes.CheckModifiers(["25", "59", "25"]));
        Assert.Null(Codes.CheckModifiers(["AZ", "09"]));
    }

    [Fact]
    public void CodeSetProvider_EachSystemIsNamedInItsMessage_AndOnlyItsOwnTableIsUsed()
    {
        var tables = new InMemoryCodeSetProvider()
            .Load(CodeSystem.Hcpcs, ["A4550"])
            .Load(CodeSystem.Cpt, ["99213"])
            .Load(CodeSystem.Icd10Cm, [" E11.9 "])
            .Load(CodeSystem.Modifier, ["25", "RT"]);

        Assert.Equal("HCPCS code: well formed but not in the loaded HCPCS table", Codes.CheckProcedure("A4551", tables));
        Assert.Null(Codes.CheckProcedure("A4550", tables));
        Assert.Null(Codes.CheckProcedure("99213", tables));
        Assert.Equal("CPT code: well formed but not in the loaded CPT table", Codes.CheckProcedure("99214", tables));
        Assert.Null(Codes.CheckIcd10Cm("E11.9", tables));
        Assert.Null(Codes.CheckIcd10Cm("E119", tables));
        Assert.Equal("modifier code: well formed but not in the loaded modifier table", Codes.CheckModifiers(["25", "59"], tables));
        Assert.Null(Codes.CheckModifiers(["RT", "25"], tables));
        Assert.True(tables.Has(CodeSystem.Hcpcs));
        Assert.True(tables.Contains(CodeSystem.Icd10Cm, "E11.9"));
        Assert.False(tables.Contains(CodeSystem.Cpt, "A4550"));

        var empty = new InMemoryCodeSetProvider();
        Assert.False(empty.Has(CodeSystem.Cpt));
        Assert.False(empty.Contains(CodeSystem.Cpt, "99213"));
        Assert.Null(Codes.CheckProcedure("99214", empty));
    }

    [Fact]
    public void CodeSetProvider_LoadingASystemAgain_ReplacesItsTable()
    {
        var tables = new InMemoryCodeSetProvider().Load(CodeSystem.Cpt, ["99213"]).Load(CodeSystem.Cpt, ["99214"]);

        Assert.Equal("CPT code: well formed but not in the loaded CPT table", Codes.CheckProcedure("99213", tables));
        Assert.Null(Codes.CheckProcedure("99214", tables));
    }

    [Theory]
    [InlineData(CodeSystem.Icd10Cm, " E11.9 ", "E119")]
    [InlineData(CodeSystem.Icd10Cm, "I10", "I10")]
    [InlineData(CodeSystem.Cpt, " 99213 ", "99213")]
    [InlineData(CodeSystem.Hcpcs, "A45.50", "A45.50")]
    [InlineData(CodeSystem.Modifier, "2.5", "2.5")]
    public void Normalize_RemovesTheDotOfIcd10CmOnlyAndTrims(CodeSystem system, string code, string expected) => Assert.Equal(expected, Codes.Normalize(system, code));
}
