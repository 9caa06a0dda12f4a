using MedCoord.Engine.Billing;
using Xunit;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>The file readers' JSON paths: the reader's path made relative, unknown fields, and the required fields an object lacks found by its path.</summary>
public sealed class JsonPathsTests
{
    private const string Type = "MedCoord.Engine.Billing.ClaimProvider";
    private const string Missing = $"JSON deserialization for type '{Type}' was missing required properties including: 'npi'.";

    // The reader's options get their type resolver when a file is first read, as they are whenever a path is looked up.
    static JsonPathsTests() => ClaimFile.Parse("{}");

    [Theory]
    [InlineData(null, "$")]
    [InlineData("", "$")]
    [InlineData("$", "$")]
    [InlineData("$.claims[0].lines", "claims[0].lines")]
    [InlineData("$[2].a", "[2].a")]
    [InlineData("$['a b'].c", "['a b'].c")]
    public void Relative_DropsTheRoot(string? readerPath, string expected) => Assert.Equal(expected, JsonPaths.Relative(readerPath));

    [Theory]
    [InlineData("claims", "claims")]
    [InlineData("a b", "['a b']")]
    [InlineData("it's", "['it\\'s']")]
    [InlineData("a.b", "['a.b']")]
    [InlineData("x[0]", "['x[0]']")]
    [InlineData("", "['']")]
    public void Member_IsTheNameOrQuotedAsTheReaderQuotesIt(string name, string expected) => Assert.Equal(expected, JsonPaths.Member(name));

    [Theory]
    [InlineData("claims[2]", "$", "claims[2]")]
    [InlineData("claims[2]", "lines[0].charge", "claims[2].lines[0].charge")]
    [InlineData("claims[2]", "['a b'].c", "claims[2]['a b'].c")]
    [InlineData("serviceTypes", "[1]", "serviceTypes[1]")]
    public void Within_MakesAPartsPathWhole(string part, string inside, string expected) => Assert.Equal(expected, JsonPaths.Within(part, inside));

    [Theory]
    [InlineData("The JSON property 'extra' could not be mapped to any .NET member contained in type 'X'.", "extra")]
    [InlineData("The JSON property '' could not be mapped to any .NET member", "")]
    [InlineData("' could not be mapped to any .NET member, and then The JSON property 'late'", null)]
    [InlineData("The JSON property 'x' is invalid.", null)]
    [InlineData("The JSON value could not be converted.", null)]
    public void UnmappedMember_IsTheNamedField(string message, string? expected) => Assert.Equal(expected, JsonPaths.UnmappedMember(message));

    [Theory]
    [InlineData("{}", "$", "npi name isOrganization")]
    [InlineData("{ \"a\": { \"npi\": \"1\" } }", "$.a", "name isOrganization")]
    [InlineData("{ \"a\": [ {}, { \"name\": \"N\" } ] }", "$.a[1]", "npi isOrganization")]
    [InlineData("{ \"a b\": { \"isOrganization\": true } }", "$['a b']", "npi name")]
    [InlineData("{ \"it's\": { \"npi\": \"1\", \"name\": \"N\" } }", "$['it\\'s']", "isOrganization")]
    [InlineData("{ \"a\": { \"b c\": [ { \"npi\": \"1\" } ] } }", "$.a['b c'][0]", "name isOrganization")]
    [InlineData("{ \"a\": {} }", null, "npi name isOrganization")]
    public void MissingRequired_ListsWhatTheObjectAtThePathLacks(string json, string? path, string expected) =>
        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), JsonPaths.MissingRequired(Missing, path, json, ClaimFile.Options));

    [Theory]
    [InlineData("{ \"a\": [ {} ] }", "$.a[1]")]
    [InlineData("{ \"a\": [ {} ] }", "$.a[x]")]
    [InlineData("{ \"a\": [ {} ] }", "$.a[0")]
    [InlineData("{ \"a\": [ {} ] }", "$.a['0']")]
    [InlineData("{ \"a\": { \"0\": {} } }", "$.a[0]")]
    [InlineData("{ \"a\": {} }", "$.b")]
    [InlineData("{ \"a\": 1 }", "$.a")]
    [InlineData("{ \"a\": 1 }", "$.a.b")]
    [InlineData("{ \"a\": {} }", "$['a'")]
    [InlineData("{ \"a\": {} }", "$['b']")]
    [InlineData("{ \"a\": {} }", "$a")]
    [InlineData("{ \"a\": {} } trailing", "$.a")]
    public void MissingRequired_NoObjectThere_OrTextNotWellFormed_IsNull(string json, string path) =>
        Assert.Null(JsonPaths.MissingRequired(Missing, path, json, ClaimFile.Options));

    [Theory]
    [InlineData("JSON deserialization was missing required properties including: 'npi'.")]
    [InlineData("JSON deserialization for type 'MedCoord.Engine.Billing.NoSuchType' was missing required properties.")]
    [InlineData("JSON deserialization for type 'MedCoord.Engine.Billing.ClaimProvider")]
    [InlineData("123456789" + Type + "' is not named as a type")]
    public void MissingRequired_TypeNotNamed_IsNull(string message) => Assert.Null(JsonPaths.MissingRequired(message, "$", "{}", ClaimFile.Options));

    [Fact]
    public void MissingRequired_TypeNamedAtTheMessagesStart_IsRead() =>
        Assert.Equal(["npi", "name", "isOrganization"], JsonPaths.MissingRequired($"for type '{Type}' was missing required properties.", "$", "{}", ClaimFile.Options));
}
