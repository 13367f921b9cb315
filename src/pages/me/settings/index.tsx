import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';
import { useLogout } from '@/hooks/useLogout';
import { useSignedIn } from '@/hooks/useSignedIn';
import { callHelpLine, HELP_LINE } from '@/services/helpLine';
import { useSettings } from '@/stores/settings';
import './index.scss';

/** The person's display choices: 长辈模式 (remembered on this phone), the text size, help, logout. */
export default function SettingsPage() {
  useSignedIn();
  const { rootClass, elder } = useDisplay();
  const setElder = useSettings((s) => s.setElder);
  const { busy, logout } = useLogout();

  return (
    <View className={`page settings ${rootClass}`}>
      <TitleBar title='设置' />
      <View className='card settings-elder'>
        <Text className='settings-elder__title'>长辈模式</Text>
        <Text className='settings-elder__text'>
          字更大、按钮更大，首页只留下最常用的三件事：看谁在为我付费、出示医保码、打电话求助。
        </Text>
        <Button className={`primary-button settings-elder-switch${elder ? ' settings-elder-switch--on' : ''}`} aria-pressed={elder} onClick={() => setElder(!elder)}>
          {elder ? '已开启，点此关闭长辈模式' : '开启长辈模式'}
        </Button>
      </View>
      <View className='card settings-text'>
        <Text className='settings-text__title'>字体大小</Text>
        <Text className='settings-text__text'>
          本应用的文字跟随手机（或微信）的字体大小设置：在微信“我 → 设置 → 通用 → 字体大小”中调大，这里也会变大。
        </Text>
      </View>
      <View className='card settings-help'>
        <Text className='settings-help__text'>遇到问题请拨打医保服务热线 {HELP_LINE}，或到医保经办大厅办理。</Text>
        <Button className='secondary-button settings-call' onClick={callHelpLine}>
          拨打 {HELP_LINE}
        </Button>
      </View>
      <Button className='secondary-button settings-logout' disabled={busy !== null || undefined} onClick={() => void logout(false)}>
        退出登录
      </Button>
    </View>
  );
}
