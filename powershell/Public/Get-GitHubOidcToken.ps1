function Get-GitHubOidcToken {
    <#
        .SYNOPSIS
        Inside a GitHub Actions job: requests the job's OIDC ID token from the runner and verifies it.

        .DESCRIPTION
        Shows what the job's token really says: the token a cloud provider, PyPI or npm receives
        from this job, with its claims, subject, audience, issuer and times, verified against the
        issuer's keys (Valid, Verified). Use it in the failing job itself, then pipe it into
        Test-GitHubOidcTrustPolicy (which condition refuses it?) or Resolve-GitHubOidcSubject
        (does the repository's live template predict exactly this sub?), and into
        Out-GitHubOidcStepSummary (the job summary).

        The runner gives a job with `permissions: id-token: write` two variables:
        ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN. They are read here, as
        this session sees them; the native library adds audience= to the URL's query, sends the
        request token as the bearer (with the module's timeouts and retries) and verifies the
        answer's token against the issuer of -Context.

        The raw token is only in the hidden IdToken property, a SecureString: it is in no default
        view, no Format-List *, no error, verbose or debug text. Neither is the request token.

        .PARAMETER Audience
        The audience (aud) to request, e.g. sts.amazonaws.com, api://AzureADTokenExchange, pypi.
        Omitted: the runner's default (the URL of the repository owner). The token's aud is then
        checked against it.

        .PARAMETER Enterprise
        GitHub Enterprise Cloud: also allow this enterprise's enterprise-scoped issuer
        (ISSUER/<enterprise>).

        .PARAMETER Context
        Which instance issued the token (its issuer and keys), and the timeouts and retries of the
        request. Omitted: GH_HOST if set, else github.com. No GitHub token is needed or sent.

        .EXAMPLE
        Get-GitHubOidcToken -Audience sts.amazonaws.com | Test-GitHubOidcTrustPolicy -Provider Aws -Path role-trust.json

        Inside a job: tests the job's real token against an IAM role's trust policy; a denial
        names each failing condition with its expected and actual values.

        .EXAMPLE
        Get-GitHubOidcToken | Select-Object Subject, Audience, Valid, ExpiresAt

        Shows the job's subject and audience, and that the token verified.

        .EXAMPLE
        Get-GitHubOidcToken -Audience pypi | Out-GitHubOidcStepSummary

        Writes the claims table of the job's token to the job summary.

        .OUTPUTS
        GitHubOidc.Token: Verified and Valid (the signature, issuer, times and audience checked),
        Failures, Warning, Issuer, Subject, Audience, IssuedAt, NotBefore, ExpiresAt (UTC),
        Header, Claims, RequestUrl, and the hidden IdToken (SecureString).

        .NOTES
        Outside Actions, or in a job without `permissions: id-token: write`, the variables are
        missing and the error says so; a pull request from a fork never gets an ID token. The
        token is a credential until it expires: do not print it. Requires the job's runner to
        reach the issuer's JWKS (token.actions.githubusercontent.com on github.com).

        .LINK
        Test-GitHubOidcTrustPolicy

        .LINK
        Resolve-GitHubOidcSubject

        .LINK
        Out-GitHubOidcStepSummary

        .LINK
        https://docs.github.com/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect
    #>
    [CmdletBinding()]
    [OutputType('GitHubOidc.Token')]
    param(
        # The audience (aud) to request.
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Audience,

        # Also allow this enterprise's enterprise-scoped issuer.
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Enterprise,

        # Which instance issued the token; timeouts and retries.
        [Parameter()]
        [object] $Context
    )

    begin {
        $state = Initialize-GitHubOidcContext -Context $Context -NoToken -Cmdlet $PSCmdlet
    }

    end {
        $url = [System.Environment]::GetEnvironmentVariable('ACTIONS_ID_TOKEN_REQUEST_URL')
        $requestToken = [System.Environment]::GetEnvironmentVariable('ACTIONS_ID_TOKEN_REQUEST_TOKEN')
        if ($VerbosePreference -ne 'SilentlyContinue') {
            $where = if ($url) { 'the runner (ACTIONS_ID_TOKEN_REQUEST_URL)' } else { 'nowhere: ACTIONS_ID_TOKEN_REQUEST_URL is not set' }
            $aud = if ($Audience) { $Audience } else { '(the runner''s default)' }
            Write-Verbose "GitHubOidc: requesting the job's ID token from $where, audience $aud; verifying it against $($state.Info['issuer_uri'])."
        }
        $request = [GitHubOidc.Native.ActionsTokenRequest]@{
            Context      = $state.Context
            RequestUrl   = $url
            RequestToken = $requestToken
            Audience     = $Audience
            Enterprise   = $Enterprise
        }
        $answer = Invoke-GitHubOidcNative -Request $request
        if ($answer -is [System.Exception]) {
            $record = New-GitHubOidcErrorRecord -Exception $answer -TargetObject 'ACTIONS_ID_TOKEN_REQUEST_URL' -Secret @($requestToken)
            $PSCmdlet.ThrowTerminatingError($record)
        }
        $verification = $answer['verification']
        $bytes = [object[]]@($answer['token_utf8'])
        ConvertTo-GitHubOidcIdToken -Utf8 $bytes -Verification $verification -RequestUrl ([string]$answer['request_url'])
    }
}
