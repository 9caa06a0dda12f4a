using MedCoord.Scheduling.Validation;

namespace MedCoord.Engine.Tests;

/// <summary>Errors as the console prints them ("path: message"), for tests that compare whole lists.</summary>
internal static class ValidationErrorTexts
{
    public static List<string> Texts(this IEnumerable<ValidationError> errors) => [.. errors.Select(e => e.ToString())];
}
